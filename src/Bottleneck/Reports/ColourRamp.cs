using System.Globalization;

namespace Bottleneck.Reports;

/// <summary>
/// The viridis colour map (van der Walt &amp; Smith, matplotlib): dark purple through teal to
/// yellow, with lightness rising steadily along the way. It reads the same under the common forms
/// of colour blindness and in greyscale, and equal steps look like equal differences. Colours in
/// between the sampled stops are interpolated linearly.
/// </summary>
internal static class ColourRamp
{
    // viridis at 0, 1/8, …, 1.
    private static readonly (byte R, byte G, byte B)[] Stops =
    [
        (0x44, 0x01, 0x54),
        (0x47, 0x2D, 0x7B),
        (0x3B, 0x52, 0x8B),
        (0x2C, 0x72, 0x8E),
        (0x21, 0x91, 0x8C),
        (0x28, 0xAE, 0x80),
        (0x5E, 0xC9, 0x62),
        (0xAD, 0xDC, 0x30),
        (0xFD, 0xE7, 0x25),
    ];

    private const string Black = "#000000";
    private const string White = "#FFFFFF";

    /// <summary>"#RRGGBB" at <paramref name="position"/>: 0 is the dark end, 1 the light end; clamped.</summary>
    internal static string At(double position)
    {
        double scaled = Math.Clamp(position, 0, 1) * (Stops.Length - 1);
        int lower = Math.Min((int)scaled, Stops.Length - 2);
        double t = scaled - lower;
        var (a, b) = (Stops[lower], Stops[lower + 1]);
        return $"#{Mix(a.R, b.R, t):X2}{Mix(a.G, b.G, t):X2}{Mix(a.B, b.B, t):X2}";
    }

    /// <summary>Black or white, whichever contrasts more with the "#RRGGBB" <paramref name="background"/>.</summary>
    internal static string TextOn(string background)
    {
        // WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05) against black (L = 0) and white (L = 1).
        double luminance = Luminance(background);
        return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? Black : White;
    }

    /// <summary>WCAG relative luminance of a "#RRGGBB" colour: 0 for black, 1 for white.</summary>
    private static double Luminance(string hex)
    {
        double Channel(int offset)
        {
            double c = int.Parse(hex.AsSpan(offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(1) + 0.7152 * Channel(3) + 0.0722 * Channel(5);
    }

    private static int Mix(byte from, byte to, double t) => (int)Math.Round(from + (to - from) * t);
}
