using Flip.FeatureStore.Errors;

namespace Flip.Trainer.Alignment;

/// <summary>The pretraining variants of the paper's Table 5.</summary>
public enum FlipAblation
{
    /// <summary>Full FLIP: MLM + MTM + ICL, field-level masking, joint reconstruction.</summary>
    None,
    WithoutMlm,
    WithoutMtm,
    WithoutIcl,
    WithoutMlmAndMtm,
    /// <summary>Skip pretraining entirely (finetune from the initial weights).</summary>
    NoPretraining,
    /// <summary>Mask 15% of the value tokens instead of whole fields.</summary>
    TokenLevelMasking,
    /// <summary>MLM reconstructs from the masked text only, MTM from the masked row only.</summary>
    WithoutJointReconstruction,
}

/// <summary>Which losses and masking a pretraining run uses.</summary>
public sealed record FlipObjectives(bool Mlm, bool Mtm, bool Icl, bool TokenLevelMasking, bool JointReconstruction)
{
    public bool Any => Mlm || Mtm || Icl;

    public static FlipObjectives For(FlipAblation ablation) => ablation switch
    {
        FlipAblation.None => new(true, true, true, false, true),
        FlipAblation.WithoutMlm => new(false, true, true, false, true),
        FlipAblation.WithoutMtm => new(true, false, true, false, true),
        FlipAblation.WithoutIcl => new(true, true, false, false, true),
        FlipAblation.WithoutMlmAndMtm => new(false, false, true, false, true),
        FlipAblation.NoPretraining => new(false, false, false, false, true),
        FlipAblation.TokenLevelMasking => new(true, true, true, true, true),
        FlipAblation.WithoutJointReconstruction => new(true, true, true, false, false),
        _ => throw new ArgumentOutOfRangeException(nameof(ablation), ablation, null),
    };

    /// <summary>CLI names: none, no-mlm, no-mtm, no-icl, no-mlm-mtm, no-pretraining, token-masking, no-joint.</summary>
    public static readonly IReadOnlyDictionary<string, FlipAblation> Names = new Dictionary<string, FlipAblation>(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = FlipAblation.None,
        ["no-mlm"] = FlipAblation.WithoutMlm,
        ["no-mtm"] = FlipAblation.WithoutMtm,
        ["no-icl"] = FlipAblation.WithoutIcl,
        ["no-mlm-mtm"] = FlipAblation.WithoutMlmAndMtm,
        ["no-pretraining"] = FlipAblation.NoPretraining,
        ["token-masking"] = FlipAblation.TokenLevelMasking,
        ["no-joint"] = FlipAblation.WithoutJointReconstruction,
    };

    public static FlipAblation Parse(string name) =>
        Names.TryGetValue(name, out var a) ? a
            : throw new UserInputException($"unknown ablation '{name}' (expected one of: {string.Join(", ", Names.Keys)})");
}
