namespace Bottleneck.Reports;

/// <summary>The rectangle data is drawn in, in SVG user units (y grows downwards).</summary>
internal readonly record struct PlotArea(double Left, double Top, double Width, double Height)
{
    public double Right => Left + Width;

    public double Bottom => Top + Height;

    public double CenterX => Left + Width / 2;

    public double CenterY => Top + Height / 2;

    public double X(Axis axis, double value) => Left + axis.Fraction(value) * Width;

    // Screen y runs downwards, data y upwards.
    public double Y(Axis axis, double value) => Bottom - axis.Fraction(value) * Height;
}
