using Flip.FeatureStore.Errors;

namespace Flip.Trainer.IdModels;

/// <summary>
/// Settings of the ID-based CTR models (section <c>IdModels</c>). The shared settings follow the FLIP paper's
/// code; each model has its own sub-section for what only it uses.
/// </summary>
public sealed class IdModelOptions
{
    /// <summary>Width of every feature embedding. Default 32 (the paper).</summary>
    public int EmbeddingSize { get; set; } = 32;

    /// <summary>Standard deviation of the normal initialisation of the embedding table. Default 1e-4 (the paper's code).</summary>
    public double EmbeddingInitStd { get; set; } = 1e-4;

    /// <summary>Hidden layer widths of the DNN part (ReLU after each). Default [300, 300, 128].</summary>
    public int[] HiddenUnits { get; set; } = [300, 300, 128];

    /// <summary>Dropout probability after each DNN hidden layer. Default 0.</summary>
    public double Dropout { get; set; }

    /// <summary>AFM settings.</summary>
    public AfmOptions Afm { get; set; } = new();

    /// <summary>DCN (v1) settings.</summary>
    public DcnOptions Dcn { get; set; } = new();

    /// <summary>DCNv2 settings.</summary>
    public DcnV2Options DcnV2 { get; set; } = new();

    /// <summary>xDeepFM settings.</summary>
    public XDeepFmOptions XDeepFm { get; set; } = new();

    /// <summary>AFN settings.</summary>
    public AfnOptions Afn { get; set; } = new();

    /// <summary>AutoInt settings.</summary>
    public AutoIntOptions AutoInt { get; set; } = new();

    /// <summary>Throws <see cref="UserInputException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (EmbeddingSize < 1) throw new UserInputException($"EmbeddingSize must be at least 1 (got {EmbeddingSize}).");
        if (EmbeddingInitStd <= 0) throw new UserInputException($"EmbeddingInitStd must be positive (got {EmbeddingInitStd}).");
        if (HiddenUnits.Length == 0 || HiddenUnits.Any(u => u < 1)) throw new UserInputException("HiddenUnits needs at least one layer, each at least 1 wide.");
        if (Dropout is < 0 or >= 1) throw new UserInputException($"Dropout must be in [0, 1) (got {Dropout}).");
        if (AutoInt.Heads < 1 || EmbeddingSize % AutoInt.Heads != 0)
            throw new UserInputException($"AutoInt.Heads ({AutoInt.Heads}) must divide EmbeddingSize ({EmbeddingSize}).");
    }
}

/// <summary>AFM (attentional factorization machine) settings.</summary>
public sealed class AfmOptions
{
    /// <summary>Hidden width of the attention network over pairwise interactions. Default 32.</summary>
    public int AttentionSize { get; set; } = 32;
}

/// <summary>DCN (deep &amp; cross network, v1) settings.</summary>
public sealed class DcnOptions
{
    /// <summary>Number of cross layers. Default 3.</summary>
    public int CrossLayers { get; set; } = 3;
}

/// <summary>
/// DCNv2 settings. Default is the paper code's variant: a mixture of low-rank cross experts
/// (rank 32, 4 experts, 2 layers) in parallel with the DNN.
/// </summary>
public sealed class DcnV2Options
{
    /// <summary>Number of cross layers. Default 2.</summary>
    public int CrossLayers { get; set; } = 2;

    /// <summary>Rank of each expert's low-rank cross matrix U·C·Vᵀ. Default 32.</summary>
    public int LowRank { get; set; } = 32;

    /// <summary>Number of low-rank experts mixed by a softmax gate per layer. Default 4.</summary>
    public int Experts { get; set; } = 4;

    /// <summary>Use the full-rank cross layer x0 ⊙ (W·xl + b) + xl instead of the mixture. Default false.</summary>
    public bool FullRank { get; set; }
}

/// <summary>xDeepFM settings.</summary>
public sealed class XDeepFmOptions
{
    /// <summary>Feature-map counts of the CIN layers. Default [64, 64] (DeepCTR's [256, 128] costs ~10x DCNv2's compute on CPU).</summary>
    public int[] CinLayerSizes { get; set; } = [64, 64];

    /// <summary>Feed half of each CIN layer's maps forward and pool the other half (as DeepCTR). Default true.</summary>
    public bool SplitHalf { get; set; } = true;
}

/// <summary>AFN (adaptive factorization network) settings.</summary>
public sealed class AfnOptions
{
    /// <summary>Number of logarithmic neurons. Default 64 (the AFN paper's 1500, or DeepCTR's 256, make the DNN input 48,000 or 8,192 wide: too slow on CPU).</summary>
    public int LogarithmicNeurons { get; set; } = 64;
}

/// <summary>AutoInt+ settings (self-attention layers in parallel with the DNN).</summary>
public sealed class AutoIntOptions
{
    /// <summary>Number of self-attention layers. Default 3.</summary>
    public int AttentionLayers { get; set; } = 3;

    /// <summary>Attention heads per layer; must divide the embedding size. Default 2.</summary>
    public int Heads { get; set; } = 2;

    /// <summary>Add the residual projection of each layer's input. Default true.</summary>
    public bool Residual { get; set; } = true;

    /// <summary>Run the DNN in parallel (AutoInt+). Default true.</summary>
    public bool WithDnn { get; set; } = true;
}
