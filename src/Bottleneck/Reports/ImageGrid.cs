namespace Bottleneck.Reports;

/// <summary>
/// Lays out grayscale or colour images (channel-major floats [C, H, W], C = 1 or 3; 0 = black, 1 = full) as a PNG grid: each
/// image upscaled by nearest neighbour so 28×28 digits are visible, on a white background
/// with a 2-px gap around and between images. Values are clamped to [0, 1]; NaN is mid grey,
/// so a diverged model shows as flat grey rather than as a plausible black or white image.
/// </summary>
internal static class ImageGrid
{
    public const int Gap = 2;

    /// <summary>Extra space between groups of rows (e.g. between input/reconstruction pairs).</summary>
    public const int GroupGap = 3 * Gap;

    private const byte Background = 255;
    private const byte NaNGrey = 128;

    /// <summary>The images in reading order, <paramref name="columns"/> to a row.</summary>
    internal static byte[] Render(IReadOnlyList<float[]> images, int imageHeight, int imageWidth, int columns, int scale = 2, int channels = 1)
    {
        if (columns < 1) throw new ArgumentException($"an image grid needs at least 1 column, not {columns}");
        var rows = images.Chunk(columns).Select(IReadOnlyList<float[]> (row) => row).ToList();
        return RenderRows(rows, imageHeight, imageWidth, scale, channels: channels);
    }

    /// <summary>
    /// One grid row per list, left-aligned (rows may differ in length), e.g. originals in one
    /// row and their reconstructions in the row below. With <paramref name="rowsPerGroup"/> &gt; 1,
    /// every that many rows are set apart by a wider gap, so pairs or triples read as units.
    /// </summary>
    internal static byte[] RenderRows(IReadOnlyList<IReadOnlyList<float[]>> rows, int imageHeight, int imageWidth, int scale = 2, int rowsPerGroup = 1, int channels = 1)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"an image grid shows 1 (gray) or 3 (RGB) channels, not {channels}");
        if (imageHeight < 1 || imageWidth < 1) throw new ArgumentException($"images must be at least 1×1 pixels, not {imageHeight}×{imageWidth}");
        if (scale < 1) throw new ArgumentException($"the scale must be at least 1, not {scale}");
        if (rowsPerGroup < 1) throw new ArgumentException($"rows per group must be at least 1, not {rowsPerGroup}");
        int columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        if (columns == 0) throw new ArgumentException("an image grid needs at least one image");

        int cellWidth = imageWidth * scale, cellHeight = imageHeight * scale;
        long width = Gap + (long)columns * (cellWidth + Gap);
        // A group of one row is no grouping: the rows are evenly spaced.
        int groupBreaks = rowsPerGroup > 1 ? (rows.Count - 1) / rowsPerGroup : 0;
        long height = Gap + (long)rows.Count * (cellHeight + Gap) + (long)groupBreaks * (GroupGap - Gap);
        if (width * height * channels > Array.MaxLength) throw new ArgumentException($"a {width}×{height} image grid is too large");

        var canvas = new byte[width * height * channels];
        Array.Fill(canvas, Background);
        int top = Gap;
        for (int r = 0; r < rows.Count; r++)
        {
            if (rowsPerGroup > 1 && r > 0 && r % rowsPerGroup == 0) top += GroupGap - Gap;
            for (int c = 0; c < rows[r].Count; c++)
            {
                float[] image = rows[r][c];
                if (image.Length != channels * imageHeight * imageWidth)
                    throw new ArgumentException($"image {c} of row {r} has {image.Length} values, expected {(channels > 1 ? $"{channels}×" : "")}{imageHeight}×{imageWidth} = {channels * imageHeight * imageWidth}");
                Draw(canvas, (int)width, Gap + c * (cellWidth + Gap), top, image, channels, imageHeight, imageWidth, scale);
            }
            top += cellHeight + Gap;
        }
        return Png.Encode((int)width, (int)height, canvas, rgb: channels == 3);
    }

    // Channel c of pixel (x, y) is image[c·H·W + y·W + x]; the canvas interleaves them (RGB) or holds the one (gray).
    private static void Draw(byte[] canvas, int canvasWidth, int left, int top, float[] image, int channels, int imageHeight, int imageWidth, int scale)
    {
        int plane = imageHeight * imageWidth;
        for (int y = 0; y < imageHeight; y++)
            for (int x = 0; x < imageWidth; x++)
                for (int c = 0; c < channels; c++)
                {
                    byte value = Gray(image[c * plane + y * imageWidth + x]);
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++)
                            canvas[((top + y * scale + dy) * canvasWidth + left + x * scale + dx) * channels + c] = value;
                }
    }

    private static byte Gray(float v) => float.IsNaN(v) ? NaNGrey : (byte)(Math.Clamp(v, 0f, 1f) * 255f + 0.5f);
}
