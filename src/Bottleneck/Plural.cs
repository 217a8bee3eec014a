using System.Globalization;

namespace Bottleneck;

/// <summary>Counts as people write them in messages and reports: "1 epoch", "2 epochs", "1 thread", "12,000 images".</summary>
public static class Plural
{
    /// <summary><paramref name="count"/> with thousands separators and the noun in the number it takes (<paramref name="plural"/>, or the noun with an s).</summary>
    public static string Count(long count, string noun, string? plural = null) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? noun : plural ?? noun + "s")}";
}
