using Flip.Trainer.Training;

namespace Flip.Trainer.Tests;

/// <summary>
/// Synthetic click data whose label depends only on feature interactions: each feature value has a hidden
/// latent vector, and P(click) = sigmoid(scale · Σ_{pairs} ⟨u_i, u_j⟩). Ids use one global space laid out like
/// the vocabulary's (0 pad, 1 mask, 2..F+1 per-field unknown, then each field's values).
/// </summary>
internal static class SyntheticClicks
{
    public static (SampleSet Samples, int NumFeatures) Generate(int count, int fields = 4, int cardinality = 10, int seed = 7, double scale = 2.0)
    {
        var rng = new Random(seed);
        int first = 2 + fields;
        int numFeatures = first + fields * cardinality;
        const int latent = 3;
        var vectors = new double[numFeatures, latent];
        for (int i = 0; i < numFeatures; i++)
            for (int k = 0; k < latent; k++) vectors[i, k] = rng.NextDouble() * 2 - 1;

        var ids = new int[count * fields];
        var labels = new float[count];
        for (int n = 0; n < count; n++)
        {
            for (int f = 0; f < fields; f++) ids[n * fields + f] = first + f * cardinality + rng.Next(cardinality);
            double logit = 0;
            for (int i = 0; i < fields; i++)
                for (int j = i + 1; j < fields; j++)
                    for (int k = 0; k < latent; k++)
                        logit += vectors[ids[n * fields + i], k] * vectors[ids[n * fields + j], k];
            double p = 1 / (1 + Math.Exp(-scale * logit));
            labels[n] = rng.NextDouble() < p ? 1f : 0f;
        }
        return (new SampleSet(ids, labels, fields), numFeatures);
    }
}
