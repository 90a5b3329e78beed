using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>
/// DCNv2's mixture of low-rank cross experts (DCN-Mix, the variant of the paper's code). Per layer l and expert e:
/// E_e(x_l) = x0 ⊙ (U_e · tanh(C_e · tanh(V_eᵀ x_l)) + b_l); a softmax gate g(x_l) over experts mixes them and
/// x_{l+1} = Σ_e g_e(x_l) E_e(x_l) + x_l. Experts of a layer are stored stacked so one einsum serves them all.
/// </summary>
public sealed class LowRankCrossMixture : nn.Module<Tensor, Tensor>
{
    private readonly Parameter u; // [L, E, D, r]
    private readonly Parameter v; // [L, E, D, r]
    private readonly Parameter c; // [L, E, r, r]
    private readonly Parameter bias; // [L, D]
    private readonly Parameter gates; // [L, E, D]: one linear gate (no bias) per expert

    public LowRankCrossMixture(long inputSize, int layers, int lowRank, int experts) : base(nameof(LowRankCrossMixture))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lowRank, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(experts, 1);
        Layers = layers;
        LowRank = lowRank;
        Experts = experts;
        u = nn.Parameter(empty(layers, experts, inputSize, lowRank));
        v = nn.Parameter(empty(layers, experts, inputSize, lowRank));
        c = nn.Parameter(empty(layers, experts, lowRank, lowRank));
        bias = nn.Parameter(zeros(layers, inputSize));
        gates = nn.Parameter(empty(layers, experts, inputSize));
        using (no_grad())
        {
            // Xavier-normal per expert matrix, as the reference implementation initialises each one separately.
            for (int l = 0; l < layers; l++)
                for (int e = 0; e < experts; e++)
                {
                    using var ue = u[l, e]; nn.init.xavier_normal_(ue);
                    using var ve = v[l, e]; nn.init.xavier_normal_(ve);
                    using var ce = c[l, e]; nn.init.xavier_normal_(ce);
                }
            // Same default as torch.nn.Linear(D, 1, bias=False) per expert gate.
            double bound = 1.0 / Math.Sqrt(inputSize);
            nn.init.uniform_(gates, -bound, bound);
        }
        register_parameter("u", u);
        register_parameter("v", v);
        register_parameter("c", c);
        register_parameter("bias", bias);
        register_parameter("gates", gates);
    }

    public int Layers { get; }
    public int LowRank { get; }
    public int Experts { get; }

    /// <summary>Stacked U matrices, [layers, experts, D, rank].</summary>
    public Parameter U => u;
    /// <summary>Stacked V matrices, [layers, experts, D, rank].</summary>
    public Parameter V => v;
    /// <summary>Stacked C matrices, [layers, experts, rank, rank].</summary>
    public Parameter C => c;
    /// <summary>Per-layer bias, [layers, D].</summary>
    public Parameter Bias => bias;
    /// <summary>Gate weights, [layers, experts, D].</summary>
    public Parameter Gates => gates;

    public override Tensor forward(Tensor x0)
    {
        using var scope = NewDisposeScope();
        var x0e = x0.unsqueeze(1); // [B, 1, D]
        var xl = x0;
        for (int l = 0; l < Layers; l++)
        {
            var low = einsum("bd,edr->ber", xl, v[l]).tanh();        // [B, E, r]
            low = einsum("ber,ers->bes", low, c[l]).tanh();          // [B, E, r]
            var up = einsum("ber,edr->bed", low, u[l]) + bias[l];    // [B, E, D]
            var experts = x0e * up;                                   // [B, E, D]
            var gate = einsum("bd,ed->be", xl, gates[l]).softmax(1); // [B, E]
            var mixed = (experts * gate.unsqueeze(2)).sum(1);         // [B, D]
            xl = mixed + xl;
        }
        return xl.MoveToOuterDisposeScope();
    }
}
