using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Training;

/// <summary>
/// A variational autoencoder's per-sample negative ELBO at the code's mean: the reconstruction term of decoding z = μ
/// (summed over the values, with the loss the model was trained with) plus KL(q(z|x) ‖ N(0, I)). Deterministic, so it
/// serves as an anomaly score (a sample the model finds unlikely scores high).
/// </summary>
public static class NegativeElbo
{
    /// <summary>The score of every row of <paramref name="data"/> under <paramref name="model"/>, in eval mode, with <paramref name="loss"/>'s reconstruction term.</summary>
    public static double[] PerSample(Autoencoder model, Dataset data, LossFunction loss, int batchSize = 256)
    {
        if (!model.Variational) throw new ArgumentException("the negative ELBO is a variational model's score");
        var reconstruction = loss.Create();
        int features = data.FeatureCount, d = model.CodeSize;
        var scores = new double[data.Count];
        model.Eval();
        var one = new Tensor([1, .. model.InputShape]);
        var decoded = new Tensor([1, .. model.OutputShape]);
        var head = new Tensor(1, 2 * d);
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int size = Math.Min(batchSize, data.Count - start);
            var x = new Tensor([size, .. model.InputShape]);
            data.Features.Data.AsSpan(start * features, size * features).CopyTo(x.Data);
            var h = model.Encoder.Forward(x);                                   // h: [B, 2d] = (μ, log σ²)
            var mu = new Tensor(size, d);
            Reparameterization.Mean(h, mu);
            var y = model.Decoder.Forward(mu);                                  // x̂ = decoder(μ): [B, ...]
            for (int i = 0; i < size; i++)
            {
                x.Row(i).CopyTo(one.Data);
                y.Row(i).CopyTo(decoded.Data);
                h.Row(i).CopyTo(head.Data);
                scores[start + i] = reconstruction.Forward(decoded, one) * features + Reparameterization.Kl(head);
            }
        }
        return scores;
    }
}
