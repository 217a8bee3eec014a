using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>
/// Damages images at a level in the way of study B's robustness test:
/// <list type="bullet">
/// <item><see cref="CorruptionKind.Noise"/>: x ← x + α·N(0, 1), then clamped to [0, 1] when <see cref="Clip"/> is set;</item>
/// <item><see cref="CorruptionKind.Pixels"/>: round(level·H·W) pixel positions, drawn without replacement per image, set to 0 in every channel;</item>
/// <item><see cref="CorruptionKind.Block"/>: a side×side square, side = round(√(level·H·W)) (at most min(H, W)), at a uniform random position, set to 0.</item>
/// </list>
/// Images are [C, H, W] rows of a [N, C·H·W] matrix; data without an image shape is one row of pixels (1×1×F).
/// Randomness comes from a <see cref="RandomState"/> used image by image in order, so a seed gives the same damage every time.
/// Level 0 leaves every image exactly as it was.
/// </summary>
public sealed record Corruption(CorruptionKind Kind, bool Clip = false)
{
    /// <summary>Gaussian noise of standard deviation σ (the level), clipped to [0, 1] when <paramref name="clip"/>.</summary>
    public static Corruption Noise(bool clip = false) => new(CorruptionKind.Noise, clip);
    /// <summary>A fraction (the level) of pixels set to 0, chosen at random.</summary>
    public static Corruption Pixels() => new(CorruptionKind.Pixels);
    /// <summary>A square covering a fraction (the level) of the image set to 0, at a random place.</summary>
    public static Corruption Block() => new(CorruptionKind.Block);

    /// <summary>The largest noise level α: images lie in [0, 1], and α·N(0, 1) must stay well inside float range.</summary>
    public const double MaxNoise = 1000;

    /// <summary>"noise", "pixels" or "block", as results name it.</summary>
    public string Name => Kind.ToString().ToLowerInvariant();

    /// <summary>Throws when <paramref name="level"/> makes no sense for this kind (a fraction outside [0, 1], a negative α).</summary>
    public void ValidateLevel(double level)
    {
        if (!double.IsFinite(level) || level < 0)
            throw new ArgumentException($"{Name} level must be a number ≥ 0, got {level}");
        if (Kind != CorruptionKind.Noise && level > 1)
            throw new ArgumentException($"{Name} level is a fraction of the image and must be at most 1, got {level}");
        if (Kind == CorruptionKind.Noise && level > MaxNoise)
            throw new ArgumentException($"noise level {level} is far beyond any useful α for images in [0, 1] (at most {MaxNoise})");
    }

    /// <summary>A corrupted copy of <paramref name="images"/> ([N, features]); the clean images are untouched.</summary>
    public Tensor Apply(Tensor images, int[]? imageShape, double level, RandomState rng)
    {
        var corrupted = images.Clone();
        ApplyInPlace(corrupted.Data, images.Rows, imageShape, level, rng, new int[ScratchLength(imageShape, images.RowSize)]);
        return corrupted;
    }

    /// <summary>The length of the scratch <see cref="ApplyInPlace"/> needs for images of this shape.</summary>
    public int ScratchLength(int[]? imageShape, int features)
    {
        var (height, width) = Plane(imageShape, features);
        return Kind == CorruptionKind.Pixels ? height * width : 0;
    }

    /// <summary>
    /// Corrupts the first <paramref name="rows"/> images of <paramref name="images"/> ([rows, features], row-major) where they
    /// lie, drawing from <paramref name="rng"/> image by image exactly as <see cref="Apply"/> does; allocates nothing, so a
    /// training step can corrupt each batch afresh. <paramref name="scratch"/> holds <see cref="ScratchLength"/> values.
    /// </summary>
    public void ApplyInPlace(Span<float> images, int rows, int[]? imageShape, double level, RandomState rng, Span<int> scratch)
    {
        ValidateLevel(level);
        if (rows == 0) return;
        int features = images.Length / rows;
        var (height, width) = Plane(imageShape, features);
        for (int i = 0; i < rows; i++)
        {
            var image = images.Slice(i * features, features);
            switch (Kind)
            {
                case CorruptionKind.Noise: AddNoise(image, level, rng); break;
                case CorruptionKind.Pixels: DeletePixels(image, height * width, level, rng, scratch); break;
                case CorruptionKind.Block: DeleteBlock(image, height, width, level, rng); break;
            }
        }
    }

    /// <summary>The side of the square block for <paramref name="level"/> on an H×W image.</summary>
    public static int BlockSide(int height, int width, double level) =>
        Math.Min(Math.Min(height, width), (int)Math.Round(Math.Sqrt(level * height * width), MidpointRounding.AwayFromZero));

    private void AddNoise(Span<float> image, double alpha, RandomState rng)
    {
        for (int j = 0; j < image.Length; j++)
        {
            float value = (float)(image[j] + alpha * rng.NextGaussian());
            image[j] = Clip ? Math.Clamp(value, 0f, 1f) : value;
        }
    }

    // A partial Fisher–Yates shuffle of the pixel positions: the first `count` are deleted.
    private static void DeletePixels(Span<float> image, int plane, double fraction, RandomState rng, Span<int> order)
    {
        int count = (int)Math.Round(fraction * plane, MidpointRounding.AwayFromZero);
        for (int p = 0; p < plane; p++) order[p] = p;
        int channels = image.Length / plane;
        for (int k = 0; k < count; k++)
        {
            int pick = k + rng.Interval(plane - 1 - k);
            (order[k], order[pick]) = (order[pick], order[k]);
            for (int c = 0; c < channels; c++) image[c * plane + order[k]] = 0;
        }
    }

    private static void DeleteBlock(Span<float> image, int height, int width, double fraction, RandomState rng)
    {
        int side = BlockSide(height, width, fraction);
        if (side == 0) return;
        int top = rng.Interval(height - side), left = rng.Interval(width - side);
        int plane = height * width, channels = image.Length / plane;
        for (int c = 0; c < channels; c++)
            for (int y = top; y < top + side; y++)
                image.Slice(c * plane + y * width + left, side).Clear();
    }

    private static (int Height, int Width) Plane(int[]? imageShape, int features)
    {
        if (imageShape is null) return (1, features);
        if (Tensor.ElementCount(imageShape) != features)
            throw new ArgumentException($"image shape [{string.Join(", ", imageShape)}] does not hold {features} values");
        return imageShape.Length switch
        {
            >= 2 => (imageShape[^2], imageShape[^1]),
            _ => (1, features),
        };
    }
}
