using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Training;

/// <summary>
/// One training step of a variational autoencoder, top to bottom: encode to the head (μ, log σ²), draw ε and
/// z = μ + σ·ε, decode, reconstruction loss summed over the pixels (nats per image for BCE) plus β·KL, then backward
/// through the decoder, the reparameterisation and the encoder. The ε come from a stream of their own, reseeded every
/// epoch from the run's seed, so a resumed run draws what an uninterrupted one draws. Buffers are sized once per batch
/// size; a step allocates nothing.
/// </summary>
internal sealed class VariationalStep(Autoencoder model, Loss loss, uint seed)
{
    private readonly RandomState _noise = new(0);
    private readonly Dictionary<int, (Tensor Eps, Tensor Z, Tensor HeadGrad)> _buffers = [];

    /// <summary>Reseeds the ε stream for <paramref name="epoch"/> (training) or for the evaluation after it.</summary>
    public void Reseed(int epoch, bool evaluation = false) =>
        _noise.Reseed(RandomState.Derive(seed, evaluation ? $"vae-eval/epoch {epoch}" : $"vae/epoch {epoch}"));

    /// <summary>
    /// Forward and backward for one batch: <paramref name="input"/> is what the encoder sees, <paramref name="target"/> what
    /// is reconstructed, <paramref name="grad"/> a buffer of the output's shape. The parameters' gradients are accumulated
    /// unless the loss is not finite. Returns the batch means per image of the reconstruction term and of the KL term.
    /// </summary>
    public (double Reconstruction, double Kl) Step(Tensor input, Tensor target, Tensor grad, double beta) => Step(input, target, grad, beta, null);

    /// <summary><see cref="Step(Tensor, Tensor, Tensor, double)"/> with the given ε [B·d] instead of drawn ones (what a PyTorch fixture fixes).</summary>
    internal (double Reconstruction, double Kl) Step(Tensor input, Tensor target, Tensor grad, double beta, float[]? givenEps)
    {
        var (h, eps, z) = Forward(input, givenEps);
        var y = model.Decoder.Forward(z);                                    // x̂: [B, ...]
        int features = target.RowSize;
        double reconstruction = loss.Forward(y, target) * features;          // Σ over pixels, mean over the batch
        double kl = Reparameterization.Kl(h);
        if (!double.IsFinite(reconstruction) || !double.IsFinite(kl)) return (reconstruction, kl);
        loss.Backward(y, target, grad);
        TensorPrimitives.Multiply(grad.Span, features, grad.Span);
        var dz = model.Decoder.Backward(grad, inputGradient: true)!;          // dz: [B, d]
        var dh = _buffers[z.Rows].HeadGrad;
        Reparameterization.Backward(h, eps, dz, beta, dh);                   // dh: [B, 2d]
        model.Encoder.Backward(dh);
        return (reconstruction, kl);
    }

    /// <summary>
    /// The per-image reconstruction and KL terms over <paramref name="data"/> in eval mode, one ε per image (a one-sample
    /// estimate of the negative ELBO); <paramref name="batch"/> gives the input buffer for a batch of a size.
    /// </summary>
    public (double Reconstruction, double Kl) Evaluate(Dataset data, int batchSize, Func<int, Tensor> batch)
    {
        model.Eval();
        double reconstruction = 0, kl = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int size = Math.Min(batchSize, data.Count - start);
            var x = batch(size);
            data.Features.Data.AsSpan(start * data.FeatureCount, size * data.FeatureCount).CopyTo(x.Data);
            var (h, _, z) = Forward(x, null);
            reconstruction += loss.Forward(model.Decoder.Forward(z), x) * data.FeatureCount * size;
            kl += Reparameterization.Kl(h) * size;
        }
        model.Train();
        return (reconstruction / data.Count, kl / data.Count);
    }

    // h = encoder(x): [B, 2d]; ε ~ N(0, I) and z = μ + σ·ε: [B, d].
    private (Tensor Head, Tensor Eps, Tensor Z) Forward(Tensor x, float[]? givenEps)
    {
        var h = model.Encoder.Forward(x);
        int rows = h.Rows;
        if (!_buffers.TryGetValue(rows, out var buffers))
            _buffers[rows] = buffers = (new Tensor(rows, model.CodeSize), new Tensor(rows, model.CodeSize), new Tensor(rows, 2 * model.CodeSize));
        var eps = buffers.Eps.Data;
        if (givenEps is not null) givenEps.CopyTo(eps, 0);
        else for (int i = 0; i < eps.Length; i++) eps[i] = (float)_noise.NextGaussian();
        Reparameterization.Sample(h, buffers.Eps, buffers.Z);
        return (h, buffers.Eps, buffers.Z);
    }
}
