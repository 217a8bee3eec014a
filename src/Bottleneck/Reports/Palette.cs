namespace Bottleneck.Reports;

/// <summary>
/// Categorical colours from Okabe &amp; Ito, chosen to stay distinguishable under the common forms of
/// colour blindness. Yellow is last because it has little contrast against a white background.
/// </summary>
internal static class Palette
{
    private static readonly string[] Colours =
    [
        "#0072B2", // blue
        "#E69F00", // orange
        "#009E73", // bluish green
        "#D55E00", // vermillion
        "#CC79A7", // reddish purple
        "#56B4E9", // sky blue
        "#000000", // black
        "#F0E442", // yellow
    ];

    // Once colours repeat, a dash pattern keeps the n-th and (n+8)-th series apart.
    private static readonly string?[] Dashes = [null, "6 3", "2 2", "8 3 2 3"];

    internal static string Colour(int index) => Colours[index % Colours.Length];

    // Markers cannot be dashed, so categories past the eighth get further colours before any repeats.
    private static readonly string[] ExtraMarkerColours = ["#8C564B", "#7F7F7F", "#17BECF", "#882255"];

    /// <summary>Fill for the n-th category of a scatter plot: the line colours, then four more, then again.</summary>
    internal static string MarkerColour(int index)
    {
        int i = index % (Colours.Length + ExtraMarkerColours.Length);
        return i < Colours.Length ? Colours[i] : ExtraMarkerColours[i - Colours.Length];
    }

    /// <summary>stroke-dasharray for the series, or null for a solid line.</summary>
    internal static string? Dash(int index) => Dashes[index / Colours.Length % Dashes.Length];
}
