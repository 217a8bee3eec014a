namespace Bottleneck.Reports;

/// <summary>
/// A generate run's directory: samples.png (decoded draws from the prior), interpolations.png (one row per pair of test
/// images: the decoded straight line between their codes), manifold.png (for a 2-D code, the decoded grid of the code space
/// through the inverse normal CDF) and results.json (schema <see cref="SchemaName"/>), last.
/// </summary>
public sealed class GenerateReport() : ReportKind<GenerateReport.Results>(SchemaName)
{
    /// <summary>The schema name results.json of a generate run carries.</summary>
    public const string SchemaName = "bottleneck/generate/v1";

    /// <summary>Images per row of samples.png.</summary>
    internal const int Columns = 8;

    /// <summary>results.json of a generate run.</summary>
    /// <param name="Schema">Always <see cref="SchemaName"/>.</param>
    /// <param name="Provenance">Who ran it, when, with which version and command lines.</param>
    /// <param name="Checkpoint">The variational model.</param>
    /// <param name="Dataset">The dataset whose test images were interpolated between.</param>
    /// <param name="CodeSize">The width of the code.</param>
    /// <param name="Samples">Draws from the prior in samples.png.</param>
    /// <param name="Pairs">Pairs of test images interpolated between.</param>
    /// <param name="Steps">Images per interpolation, both ends included.</param>
    /// <param name="Grid">The manifold grid's side; null when the code is not 2-D.</param>
    /// <param name="Seed">The seed of the prior draws.</param>
    public sealed record Results(string Schema, Provenance Provenance, string Checkpoint, string Dataset, int CodeSize, int Samples, int Pairs, int Steps,
                                 int? Grid, uint Seed);

    internal static Results Write(RunDirectory dir, Results results, byte[] samples, byte[] interpolations, byte[]? manifold)
    {
        dir.WriteBytes("samples.png", samples);
        dir.WriteBytes("interpolations.png", interpolations);
        if (manifold is not null) dir.WriteBytes("manifold.png", manifold);
        dir.WriteText(HtmlReport.ResultsFile, Json.Serialize(results, ReportsJson.Default));
        HtmlReport.Write(dir);
        return results;
    }

    internal override IReadOnlyList<string> Figures { get; } = ["samples.png", "interpolations.png", "manifold.png"];

    internal override string Title(Results r) => "Samples of a variational autoencoder";

    internal override void Summary(ReportPage page, Results r, string directory)
    {
        page.Headline($"{ReportPage.Count(r.Samples)} draws from the prior N(0, I) of a {ReportPage.Invariant(r.CodeSize)}-D code, decoded");
        page.KeyValues(
        [
            ("checkpoint", r.Checkpoint),
            ("dataset", $"{r.Dataset} (the test images interpolated between)"),
            ("code size", ReportPage.Invariant(r.CodeSize)),
            ("interpolations", $"{ReportPage.Invariant(r.Pairs)} pairs of test images, {ReportPage.Invariant(r.Steps)} steps each"),
            ("manifold grid", r.Grid is { } g ? $"{ReportPage.Invariant(g)} × {ReportPage.Invariant(g)}" : "none (the code is not 2-D)"),
            ("seed", ReportPage.Invariant(r.Seed)),
        ]);
    }

    internal override void Digest(ReportPage page, Results r, string directory) => page.KeyValues(
    [
        ("samples", ReportPage.Count(r.Samples)),
        ("code size", ReportPage.Invariant(r.CodeSize)),
    ]);

    internal override string? Caption(string file, Results r) => file switch
    {
        "samples.png" => $"{ReportPage.Count(r.Samples)} codes drawn from N(0, I), decoded, {Columns} per row",
        "interpolations.png" => $"one row per pair of test images: the decoded codes (1 − t)·μ(a) + t·μ(b) for {ReportPage.Invariant(r.Steps)} steps of t from 0 to 1",
        "manifold.png" => "the decoded code space: z = (Φ⁻¹(u), Φ⁻¹(v)) on a regular grid of u (left to right) and v (bottom to top)",
        _ => null,
    };
}
