using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Tensors;

// Im2Col and Col2Im against the definitions, written out one value at a time, over geometries that take each of
// the kernels' paths: images of under 64 values with under 16 outputs (registers), rows of 5 to 16 outputs at stride 1 or 2
// (vector rows), narrower or other strides (gathers), with and without padding, and a block of columns inside a wider matrix.
public class ConvKernelTests
{
    public static TheoryData<int, int, int, int, int, int> Geometries() => new()
    {
        // channels, height, width, kernel, stride, padding
        { 1, 28, 28, 3, 2, 1 },   // Wo 14, stride 2: vector rows
        { 8, 14, 14, 3, 2, 1 },   // Wo 7: two output rows per vector, an odd number of them
        { 3, 6, 8, 3, 1, 1 },     // Wo 8, stride 1: two output rows per vector
        { 3, 11, 11, 3, 2, 0 },   // Wo 5, stride 2, no padding: two output rows per vector
        { 16, 7, 7, 3, 2, 0 },    // a 7×7 image and 3×3 outputs: picked from registers
        { 2, 6, 6, 3, 2, 1 },     // a 6×6 image, padded, 3×3 outputs: picked from registers
        { 2, 9, 8, 2, 2, 0 },     // Wo 4: gathers
        { 2, 9, 11, 3, 1, 1 },    // Wo 11, stride 1: vector rows
        { 3, 20, 33, 3, 1, 0 },   // Wo 31: too wide for one vector, gathers
        { 2, 10, 10, 4, 3, 2 },   // stride 3: gathers
        { 1, 5, 5, 5, 1, 2 },     // Wo 5, a kernel as wide as the image: two output rows per vector, k ≠ 3
        { 2, 12, 12, 5, 1, 2 },   // Wo 12, a 5×5 kernel: vector rows, k ≠ 3
    };

    // The definition, one value at a time, in (channel, kernel row, kernel column, output row, output column) order: the index
    // of each entry of the columns (a block at offset in rows ld wide) and of the image value it holds, or −1 in the padding.
    private static IEnumerable<(int Column, int Pixel)> Windows(ConvGeometry g, int ld, int offset)
    {
        int k = g.Kernel;
        for (int ch = 0; ch < g.Channels; ch++)
            for (int ki = 0; ki < k; ki++)
                for (int kj = 0; kj < k; kj++)
                    for (int oh = 0; oh < g.OutHeight; oh++)
                        for (int ow = 0; ow < g.OutWidth; ow++)
                        {
                            int ih = oh * g.Stride - g.Padding + ki, iw = ow * g.Stride - g.Padding + kj;
                            bool inside = ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width;
                            yield return (((ch * k + ki) * k + kj) * ld + offset + oh * g.OutWidth + ow, inside ? (ch * g.Height + ih) * g.Width + iw : -1);
                        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Im2Col_reads_every_window_value_or_zero_in_the_padding(int c, int h, int w, int k, int s, int p)
    {
        var g = ConvGeometry.ForInput(c, h, w, k, s, p);
        var rng = new RandomState(5);
        var x = new float[g.ImageSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble() + 0.5f;
        int offset = 3 * g.Positions, ld = 5 * g.Positions;
        var cols = new float[g.PatchSize * ld];
        Array.Fill(cols, float.NaN);
        Conv.Im2Col(x, g, cols, ld, offset);
        foreach (var (column, pixel) in Windows(g, ld, offset))
            cols[column].Should().Be(pixel >= 0 ? x[pixel] : 0f);
        // Outside its block of columns nothing is written.
        for (int row = 0; row < g.PatchSize; row++)
            for (int j = 0; j < ld; j++)
                if (j < offset || j >= offset + g.Positions) float.IsNaN(cols[row * ld + j]).Should().BeTrue($"column {j} of row {row} is outside the block");
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Col2Im_sums_into_each_value_what_Im2Col_read_from_it(int c, int h, int w, int k, int s, int p)
    {
        var g = ConvGeometry.ForInput(c, h, w, k, s, p);
        var rng = new RandomState(6);
        int offset = g.Positions, ld = 2 * g.Positions;
        var cols = new float[g.PatchSize * ld];
        for (int i = 0; i < cols.Length; i++) cols[i] = (float)rng.NextDouble() - 0.5f;
        var x = new float[g.ImageSize];
        Array.Fill(x, 7f);   // overwritten, not added to
        Conv.Col2Im(cols, ld, offset, g, x);
        var expected = new float[g.ImageSize];
        foreach (var (column, pixel) in Windows(g, ld, offset))
            if (pixel >= 0) expected[pixel] += cols[column];
        x.Should().Equal(expected);
    }

    // A transposed convolution's forward pass and a convolution's input gradient, fold(Wᵀ·z), make their window rows in
    // registers where the fold needs them (where the fold has vector rows), rather than multiplying into columns first; the
    // bits must be those of the columns, folded (plus the bias). 18 samples (two runs, the second partial). The geometries
    // take one and two vectors per image row, one and two output rows per vector (7 rows: an odd one left), k·k·C of 4, 9,
    // 48 and 72 (none, some and all rows in the products' groups of nine), and a depth past one GEMM depth block, where the
    // GEMM sums in two blocks and the columns are made by it.
    [Theory]
    [InlineData(8, 1, 14, 3, 2, 1, 1)]     // the lab model's last layer: Wo 14, one row per vector
    [InlineData(16, 8, 7, 3, 2, 1, 1)]     // the lab model's 16 → 8: Wo 7, two rows per vector
    [InlineData(3, 2, 6, 3, 1, 1, 0)]
    [InlineData(5, 1, 7, 2, 2, 0, 0)]
    [InlineData(2, 3, 8, 4, 2, 1, 0)]
    [InlineData(300, 2, 7, 3, 2, 1, 1)]
    public void A_transposed_convolution_gives_the_bits_of_its_columns_folded(int cin, int cout, int h, int k, int s, int p, int op)
    {
        var layer = new Bottleneck.Layers.ConvTranspose2d(cin, cout, k, s, p, op);
        var rng = new RandomState(8);
        layer.ResetParameters(Bottleneck.Layers.InitScheme.KaimingUniform, rng);
        for (int c = 0; c < cout; c++) layer.Bias!.Value[c] = 0.3f - 0.1f * c;
        var outShape = layer.OutputShape([cin, h, h]);
        var x = Bottleneck.Tests.Layers.GradientCheck.RandomTensor(rng, [18, cin, h, h], 1);
        var y = new Tensor([18, .. outShape]);
        layer.Forward(x, y);

        var g = new ConvGeometry(cout, outShape[1], outShape[2], k, s, p, h, h);
        int positions = h * h, plane = outShape[1] * outShape[2];
        var cols = new float[g.PatchSize * positions];
        for (int b = 0; b < 18; b++)
        {
            Gemm.Multiply(new Matrix(layer.Weight.Value.Data, cin, g.PatchSize).T, new Matrix(x.Row(b).ToArray(), cin, positions), new Matrix(cols, g.PatchSize, positions), WorkerPool.Serial);
            var expected = new float[g.ImageSize];
            Conv.Col2Im(cols, positions, 0, g, expected);
            for (int i = 0; i < expected.Length; i++) expected[i] += layer.Bias!.Value[i / plane];
            y.Row(b).ToArray().Should().Equal(expected, $"sample {b}");
        }
    }

    [Theory]
    [InlineData(8, 16, 14, 3, 2, 1)]       // the lab model's 8 → 16: Wo 7, two rows per vector
    [InlineData(3, 5, 6, 3, 1, 1)]
    [InlineData(2, 3, 11, 3, 1, 1)]        // Wo 11: one row per vector
    [InlineData(4, 300, 9, 3, 2, 1)]
    public void A_convolutions_input_gradient_gives_the_bits_of_its_columns_folded(int cin, int cout, int h, int k, int s, int p)
    {
        var layer = new Bottleneck.Layers.Conv2d(cin, cout, k, s, p);
        var rng = new RandomState(9);
        layer.ResetParameters(Bottleneck.Layers.InitScheme.KaimingUniform, rng);
        var outShape = layer.OutputShape([cin, h, h]);
        var x = Bottleneck.Tests.Layers.GradientCheck.RandomTensor(rng, [18, cin, h, h], 1);
        var y = new Tensor([18, .. outShape]);
        var dy = Bottleneck.Tests.Layers.GradientCheck.RandomTensor(rng, [18, .. outShape], 1);
        var dx = new Tensor([18, cin, h, h]);
        layer.Forward(x, y);
        layer.Backward(x, y, dy, dx);

        var g = ConvGeometry.ForInput(cin, h, h, k, s, p);
        var cols = new float[g.PatchSize * g.Positions];
        for (int b = 0; b < 18; b++)
        {
            Gemm.Multiply(new Matrix(layer.Weight.Value.Data, cout, g.PatchSize).T, new Matrix(dy.Row(b).ToArray(), cout, g.Positions), new Matrix(cols, g.PatchSize, g.Positions), WorkerPool.Serial);
            var expected = new float[g.ImageSize];
            Conv.Col2Im(cols, g.Positions, 0, g, expected);
            dx.Row(b).ToArray().Should().Equal(expected, $"sample {b}");
        }
    }

    // A convolution from one input channel picks its window rows into registers where Im2Col has vector rows, rather than
    // unfolding into columns; more channels unfold. Either way the bits must be those of unfolding, multiplying and adding
    // the bias. 18 samples; one and two output rows per vector (Wo 14 and 15, and 6 to 8; stride 1 and 2), outputs of 8,
    // 16 and past a multiple of eight (3, 5, 7, 12), k·k of 4, 9 and 25, a patch past one GEMM depth block (k 17), where
    // the GEMM sums in two blocks and the columns are made by it, and the lab model's 8 → 16, which unfolds.
    [Theory]
    [InlineData(1, 28, 8, 3, 2, 1)]      // the lab model's first layer: Wo 14, one row per vector
    [InlineData(1, 8, 3, 3, 1, 1)]
    [InlineData(1, 12, 5, 2, 2, 0)]
    [InlineData(1, 16, 7, 5, 1, 2)]
    [InlineData(1, 11, 12, 3, 1, 1)]
    [InlineData(1, 14, 16, 3, 2, 1)]     // Wo 7, two rows per vector, an odd row left
    [InlineData(1, 31, 2, 17, 1, 0)]
    [InlineData(8, 14, 16, 3, 2, 1)]
    public void A_convolution_gives_the_bits_of_its_columns_multiplied(int cin, int h, int cout, int k, int s, int p)
    {
        var layer = new Bottleneck.Layers.Conv2d(cin, cout, k, s, p);
        var rng = new RandomState(4);
        layer.ResetParameters(Bottleneck.Layers.InitScheme.KaimingUniform, rng);
        var outShape = layer.OutputShape([cin, h, h]);
        var x = Bottleneck.Tests.Layers.GradientCheck.RandomTensor(rng, [18, cin, h, h], 1);
        var y = new Tensor([18, .. outShape]);
        layer.Forward(x, y);

        var g = ConvGeometry.ForInput(cin, h, h, k, s, p);
        var cols = new float[g.PatchSize * g.Positions];
        var expected = new float[cout * g.Positions];
        for (int b = 0; b < 18; b++)
        {
            Conv.Im2Col(x.Row(b), g, cols, g.Positions, 0);
            Gemm.Multiply(new Matrix(layer.Weight.Value.Data, cout, g.PatchSize), new Matrix(cols, g.PatchSize, g.Positions), new Matrix(expected, cout, g.Positions), WorkerPool.Serial);
            for (int i = 0; i < expected.Length; i++) expected[i] += layer.Bias!.Value[i / g.Positions];
            y.Row(b).ToArray().Should().Equal(expected, $"sample {b}");
        }
    }
}
