using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Losses;

// Sparse autoencoders' L1 activity penalty on the code z: [B, d].
//   L = λ·mean|z| = λ/N·Σ|z|, N = B·d;   dL/dz = λ/N·sign(z)   (sign(0) = 0, as PyTorch's abs backward)
/// <summary>
/// The L1 activity penalty of a sparse autoencoder, λ·mean |z| over the code of a batch, as PyTorch's
/// <c>lam * z.abs().mean()</c>; added to the reconstruction loss, it drives code units to zero.
/// </summary>
public static class CodeL1
{
    /// <summary>Code values with |z| below this count as zero when the sparsity of a trained code is reported.</summary>
    public const float NearZero = 1e-2f;

    /// <summary>λ·mean |z| of the code <paramref name="code"/> [B, d].</summary>
    public static double Forward(Tensor code, double lambda) => lambda * TensorPrimitives.SumOfMagnitudes<float>(code.Span) / code.Length;

    /// <summary>Adds the penalty's gradient λ/N·sign(z) into <paramref name="dCode"/>, the code's gradient [B, d].</summary>
    public static void Backward(Tensor code, Tensor dCode, double lambda)
    {
        float scale = (float)(lambda / code.Length);
        var z = code.Span;
        var dz = dCode.Span;
        for (int i = 0; i < z.Length; i++) dz[i] += z[i] > 0 ? scale : z[i] < 0 ? -scale : 0f;
    }

    /// <summary>How many values of <paramref name="code"/> have |z| &lt; <see cref="NearZero"/>.</summary>
    public static int CountNearZero(ReadOnlySpan<float> code)
    {
        int zeros = 0;
        foreach (float z in code) if (Math.Abs(z) < NearZero) zeros++;
        return zeros;
    }
}
