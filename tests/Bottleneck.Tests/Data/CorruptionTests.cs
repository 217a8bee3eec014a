using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Tensors;
using FluentAssertions;
using Xunit;

namespace Bottleneck.Tests.Data;

public sealed class CorruptionTests
{
    private static readonly int[] Shape = [1, 28, 28];
    private const int Pixels = 28 * 28;

    /// <summary>n images of 28×28, every value 0.5 (or the given value).</summary>
    private static Tensor Flat(int n, float value = 0.5f)
    {
        var t = new Tensor(n, Pixels);
        Array.Fill(t.Data, value);
        return t;
    }

    [Fact]
    public void Noise_adds_zero_mean_gaussian_with_std_alpha()
    {
        var clean = Flat(50);
        foreach (double alpha in new[] { 0.1, 0.3, 1.0 })
        {
            var noisy = Corruption.Noise().Apply(clean, Shape, alpha, new RandomState(1));
            var d = noisy.Data.Select((v, i) => (double)v - clean.Data[i]).ToArray();
            double mean = d.Average(), std = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / d.Length);
            mean.Should().BeApproximately(0, 0.02 * alpha + 1e-3, $"α = {alpha}");
            std.Should().BeApproximately(alpha, 0.02 * alpha, $"α = {alpha}: the noise has std α over {d.Length:N0} values");
        }
    }

    [Fact]
    public void Clipped_noise_stays_in_the_unit_range_and_unclipped_noise_does_not()
    {
        var clean = Flat(10);
        Corruption.Noise(clip: true).Apply(clean, Shape, 1.0, new RandomState(2)).Data.Should().OnlyContain(v => v >= 0f && v <= 1f);
        Corruption.Noise().Apply(clean, Shape, 1.0, new RandomState(2)).Data.Should().Contain(v => v < 0f || v > 1f);
    }

    [Fact]
    public void Pixel_occlusion_zeroes_the_given_fraction_of_each_image_at_different_places()
    {
        var clean = Flat(20, 1f);
        foreach (double level in new[] { 0.1, 0.37, 0.5, 0.9, 1.0 })
        {
            var occluded = Corruption.Pixels().Apply(clean, Shape, level, new RandomState(3));
            var masks = new List<string>();
            for (int i = 0; i < clean.Rows; i++)
            {
                var row = occluded.Row(i).ToArray();
                row.Should().OnlyContain(v => v == 0f || v == 1f, "deleted pixels are 0, the rest untouched");
                double fraction = row.Count(v => v == 0f) / (double)Pixels;
                fraction.Should().BeApproximately(level, 0.5 / Pixels, $"image {i} at level {level}");
                masks.Add(string.Concat(row.Select(v => v == 0f ? '0' : '1')));
            }
            if (level < 1) masks.Distinct().Should().HaveCountGreaterThan(1, "each image gets its own pixels");
        }
    }

    [Fact]
    public void Pixel_occlusion_deletes_a_pixel_in_every_channel()
    {
        var clean = new Tensor(4, 3 * 8 * 8);
        Array.Fill(clean.Data, 1f);
        var occluded = Corruption.Pixels().Apply(clean, [3, 8, 8], 0.25, new RandomState(4));
        for (int i = 0; i < 4; i++)
        {
            var row = occluded.Row(i);
            for (int p = 0; p < 64; p++)
                new[] { row[p], row[64 + p], row[128 + p] }.Distinct().Should().ContainSingle("a pixel is deleted in all channels or none");
            row.ToArray().Count(v => v == 0f).Should().Be(3 * 16);
        }
    }

    [Fact]
    public void Block_occlusion_zeroes_one_square_of_the_given_area_at_random_places()
    {
        var clean = Flat(30, 1f);
        foreach (double level in new[] { 0.05, 0.25, 0.5, 1.0 })
        {
            var occluded = Corruption.Block().Apply(clean, Shape, level, new RandomState(5));
            int side = Corruption.BlockSide(28, 28, level);
            var corners = new HashSet<(int, int)>();
            for (int i = 0; i < clean.Rows; i++)
            {
                var zeros = Enumerable.Range(0, Pixels).Where(p => occluded.Row(i)[p] == 0f).ToList();
                zeros.Should().HaveCount(side * side);
                int top = zeros.Min(p => p / 28), left = zeros.Min(p => p % 28);
                zeros.Should().OnlyContain(p => p / 28 >= top && p / 28 < top + side && p % 28 >= left && p % 28 < left + side, "the deleted pixels form one square");
                corners.Add((top, left));
            }
            (side * side / (double)Pixels).Should().BeApproximately(level, 2.0 * side / Pixels + 1e-12, $"the block's area is the level ({level}) to within rounding its side");
            if (level < 1) corners.Should().HaveCountGreaterThan(1, "the block moves from image to image");
        }
    }

    [Theory]
    [InlineData(CorruptionKind.Noise)]
    [InlineData(CorruptionKind.Pixels)]
    [InlineData(CorruptionKind.Block)]
    public void Level_zero_leaves_images_unchanged(CorruptionKind kind)
    {
        var rng = new RandomState(6);
        var clean = new Tensor(5, Pixels);
        for (int i = 0; i < clean.Length; i++) clean.Data[i] = (float)rng.NextDouble();
        var same = new Corruption(kind, Clip: true).Apply(clean, Shape, 0, new RandomState(7));
        same.Data.Should().Equal(clean.Data);
    }

    [Theory]
    [InlineData(CorruptionKind.Noise)]
    [InlineData(CorruptionKind.Pixels)]
    [InlineData(CorruptionKind.Block)]
    public void Same_seed_gives_the_same_corruption_and_another_seed_another(CorruptionKind kind)
    {
        var clean = Flat(8, 1f);
        var corruption = new Corruption(kind);
        var a = corruption.Apply(clean, Shape, 0.3, new RandomState(11));
        var b = corruption.Apply(clean, Shape, 0.3, new RandomState(11));
        var c = corruption.Apply(clean, Shape, 0.3, new RandomState(12));
        a.Data.Should().Equal(b.Data);
        c.Data.Should().NotEqual(a.Data);
        clean.Data.Should().OnlyContain(v => v == 1f, "the clean images are not touched");
    }

    [Fact]
    public void Impossible_levels_are_refused()
    {
        var clean = Flat(1);
        FluentActions.Invoking(() => Corruption.Pixels().Apply(clean, Shape, 1.5, new RandomState(0))).Should().Throw<ArgumentException>().WithMessage("*at most 1*");
        FluentActions.Invoking(() => Corruption.Noise().Apply(clean, Shape, -0.1, new RandomState(0))).Should().Throw<ArgumentException>();
        Corruption.Noise().Apply(clean, Shape, 2.0, new RandomState(0)).Rows.Should().Be(1, "noise above 1 is allowed");
    }
}
