using Bottleneck.Tensors;

namespace Bottleneck.Models;

// A variational autoencoder's code (Kingma and Welling 2014). The encoder's head h: [B, 2d] holds μ = h[:, :d] and
// log σ² = h[:, d:]; a code is drawn by the reparameterisation trick so that gradients flow through μ and σ:
//   z = μ + σ·ε,  σ = exp(½·log σ²),  ε ~ N(0, I)                                     z: [B, d]
//   KL(q(z|x) ‖ N(0, I)) = −½ Σ_k (1 + log σ² − μ² − σ²)   per sample; the loss takes its batch mean × β
// Backward, from dz = ∂L/∂z and the KL weight w = β / B:
//   ∂L/∂μ = dz + w·μ
//   ∂L/∂log σ² = dz·ε·½σ + w·½(σ² − 1)
/// <summary>
/// The reparameterisation trick and the Gaussian KL term of a variational autoencoder, as kernels over a batch: what the
/// trainer runs between the encoder's head (μ and log σ²) and the decoder, forward and backward side by side.
/// </summary>
public static class Reparameterization
{
    /// <summary>Writes z = μ + exp(½·log σ²)·ε into <paramref name="z"/> [B, d] from the head <paramref name="h"/> [B, 2d] and <paramref name="eps"/> [B, d].</summary>
    public static void Sample(Tensor h, Tensor eps, Tensor z)
    {
        int d = z.RowSize, rows = z.Rows;
        for (int i = 0; i < rows; i++)
        {
            var head = h.Row(i);
            var e = eps.Row(i);
            var code = z.Row(i);
            for (int k = 0; k < d; k++) code[k] = head[k] + MathF.Exp(0.5f * head[d + k]) * e[k];
        }
    }

    /// <summary>Copies μ, the first half of each row of <paramref name="h"/> [B, 2d], into <paramref name="mu"/> [B, d]: the code at test time.</summary>
    public static void Mean(Tensor h, Tensor mu)
    {
        int d = mu.RowSize;
        for (int i = 0; i < mu.Rows; i++) h.Row(i)[..d].CopyTo(mu.Row(i));
    }

    /// <summary>The batch mean of KL(q(z|x) ‖ N(0, I)) for the head <paramref name="h"/> [B, 2d], in nats per sample.</summary>
    public static double Kl(Tensor h)
    {
        int d = h.RowSize / 2;
        double sum = 0;
        for (int i = 0; i < h.Rows; i++)
        {
            var head = h.Row(i);
            for (int k = 0; k < d; k++)
            {
                double mu = head[k], logVar = head[d + k];
                sum += -0.5 * (1 + logVar - mu * mu - Math.Exp(logVar));
            }
        }
        return sum / h.Rows;
    }

    /// <summary>
    /// Writes the head's gradient <paramref name="dh"/> [B, 2d] from the code's gradient <paramref name="dz"/> [B, d], the
    /// <paramref name="eps"/> the code was drawn with, and the KL term's weight <paramref name="beta"/> (the loss is
    /// reconstruction + β·mean KL).
    /// </summary>
    public static void Backward(Tensor h, Tensor eps, Tensor dz, double beta, Tensor dh)
    {
        int d = dz.RowSize, rows = dz.Rows;
        float w = (float)(beta / rows);
        for (int i = 0; i < rows; i++)
        {
            var head = h.Row(i);
            var e = eps.Row(i);
            var g = dz.Row(i);
            var dHead = dh.Row(i);
            for (int k = 0; k < d; k++)
            {
                float mu = head[k], logVar = head[d + k], sigma = MathF.Exp(0.5f * logVar);
                dHead[k] = g[k] + w * mu;
                dHead[d + k] = g[k] * e[k] * 0.5f * sigma + w * 0.5f * (sigma * sigma - 1);
            }
        }
    }
}
