using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>
/// AFN's logarithmic transformation layer: each neuron computes Π_f |e_f|^{w_f} = exp(Σ_f w_f log|e_f|) per
/// embedding dimension, learning arbitrary-order interactions. [B, F, D] to [B, neurons·D] (batch-normalised).
/// </summary>
public sealed class LogarithmicTransform : nn.Module<Tensor, Tensor>
{
    // Keeps log() finite for embeddings at exactly zero.
    private const double Epsilon = 1e-7;
    private readonly Linear neurons;
    private readonly BatchNorm1d inputNorm;
    private readonly BatchNorm1d outputNorm;

    public LogarithmicTransform(int numFields, int embeddingSize, int neuronCount) : base(nameof(LogarithmicTransform))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(neuronCount, 1);
        neurons = nn.Linear(numFields, neuronCount);
        using (no_grad())
        {
            nn.init.normal_(neurons.weight!, 0, 0.1);
            nn.init.zeros_(neurons.bias!);
        }
        inputNorm = nn.BatchNorm1d(embeddingSize);
        outputNorm = nn.BatchNorm1d(embeddingSize);
        register_module("neurons", neurons);
        register_module("input_norm", inputNorm);
        register_module("output_norm", outputNorm);
        OutputSize = neuronCount * embeddingSize;
    }

    public int OutputSize { get; }

    public override Tensor forward(Tensor embedded)
    {
        using var scope = NewDisposeScope();
        var logs = embedded.abs().clamp_min(Epsilon).log().transpose(1, 2); // [B, D, F]
        logs = inputNorm.call(logs);
        var products = neurons.call(logs).exp();                          // [B, D, N]
        products = outputNorm.call(products);
        return products.flatten(1).MoveToOuterDisposeScope();
    }
}
