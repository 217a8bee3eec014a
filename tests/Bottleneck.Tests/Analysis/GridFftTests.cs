using Bottleneck.Analysis;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Analysis;

/// <summary>The grid FFT against a direct DFT and a direct circular convolution.</summary>
public class GridFftTests
{
    private const int M = 16;

    private static (double[] Re, double[] Im) RandomGrid(uint seed, int filled)
    {
        var random = new RandomState(seed);
        var re = new double[M * M];
        var im = new double[M * M];
        for (int r = 0; r < filled; r++)
            for (int c = 0; c < filled; c++)
            {
                re[r * M + c] = random.NextGaussian();
                im[r * M + c] = random.NextGaussian();
            }
        return (re, im);
    }

    private static int BitReversed(int k)
    {
        int reversed = 0;
        for (int bit = 1, top = M / 2; bit < M; bit <<= 1, top >>= 1)
            if ((k & bit) != 0) reversed |= top;
        return reversed;
    }

    [Theory]
    [InlineData(M)]
    [InlineData(M / 2)]
    [InlineData(5)]
    public void Forward_is_the_DFT_in_bit_reversed_transposed_order(int filled)
    {
        var (re, im) = RandomGrid(1, filled);
        var (inputRe, inputIm) = ((double[])re.Clone(), (double[])im.Clone());
        // Garbage where the input is declared empty: the transform must not read it.
        for (int k = 0; k < M * M; k++)
            if (k / M >= filled || k % M >= filled) re[k] = im[k] = 1e6;
        var fft = new GridFft(M, WorkerPool.Serial);
        fft.Forward(re, im, filled);
        for (int u = 0; u < M; u++)
            for (int v = 0; v < M; v++)
            {
                double sumRe = 0, sumIm = 0;
                for (int r = 0; r < M; r++)
                    for (int c = 0; c < M; c++)
                    {
                        double angle = -2 * Math.PI * ((double)u * r + (double)v * c) / M;
                        double cos = Math.Cos(angle), sin = Math.Sin(angle);
                        sumRe += inputRe[r * M + c] * cos - inputIm[r * M + c] * sin;
                        sumIm += inputRe[r * M + c] * sin + inputIm[r * M + c] * cos;
                    }
                // Layout: [first index of the second dimension's frequency, the first dimension's], both bit-reversed.
                int at = BitReversed(v) * M + BitReversed(u);
                fft.SpectrumRe[at].Should().BeApproximately(sumRe, 1e-9, $"Re X[{u}, {v}]");
                fft.SpectrumIm[at].Should().BeApproximately(sumIm, 1e-9, $"Im X[{u}, {v}]");
            }
    }

    [Theory]
    [InlineData(M)]
    [InlineData(M / 2)]
    [InlineData(7)]
    public void Forward_then_kernel_product_then_inverse_is_the_circular_convolution(int filled)
    {
        var (re, im) = RandomGrid(2, filled);
        var (kernelRe, kernelIm) = RandomGrid(3, M);
        var (signalRe, signalIm) = ((double[])re.Clone(), (double[])im.Clone());
        var fft = new GridFft(M, WorkerPool.Serial);
        var (kRe, kIm) = ((double[])kernelRe.Clone(), (double[])kernelIm.Clone());
        fft.Forward(kRe, kIm, M);
        var spectrumRe = (double[])fft.SpectrumRe.Clone();
        var spectrumIm = (double[])fft.SpectrumIm.Clone();
        fft.Forward(re, im, filled);
        for (int k = 0; k < M * M; k++)
        {
            double a = fft.SpectrumRe[k], b = fft.SpectrumIm[k];
            fft.SpectrumRe[k] = a * spectrumRe[k] - b * spectrumIm[k];
            fft.SpectrumIm[k] = a * spectrumIm[k] + b * spectrumRe[k];
        }
        fft.Inverse(re, im, filled);
        for (int r = 0; r < filled; r++)
            for (int c = 0; c < filled; c++)
            {
                double sumRe = 0, sumIm = 0;
                for (int r2 = 0; r2 < filled; r2++)
                    for (int c2 = 0; c2 < filled; c2++)
                    {
                        int kernel = (r - r2 + M) % M * M + (c - c2 + M) % M;
                        sumRe += signalRe[r2 * M + c2] * kernelRe[kernel] - signalIm[r2 * M + c2] * kernelIm[kernel];
                        sumIm += signalRe[r2 * M + c2] * kernelIm[kernel] + signalIm[r2 * M + c2] * kernelRe[kernel];
                    }
                re[r * M + c].Should().BeApproximately(M * M * sumRe, 1e-8 * M * M, $"Re y[{r}, {c}]");
                im[r * M + c].Should().BeApproximately(M * M * sumIm, 1e-8 * M * M, $"Im y[{r}, {c}]");
            }
    }

    [Fact]
    public void A_side_that_is_not_a_power_of_two_is_refused()
    {
        var act = () => new GridFft(24, WorkerPool.Serial);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*power of two*");
    }
}
