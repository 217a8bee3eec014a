using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Reports;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Reports;

/// <summary>The map's legend names each label by its class when the dataset's publisher names the classes.</summary>
public sealed class EmbedReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-embed-report-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [Fact]
    public void Legend_gives_class_names_when_the_source_has_them_and_label_numbers_otherwise()
    {
        var rng = new Random(1);
        var points = new Tensor([.. Enumerable.Range(0, 30 * 3).Select(_ => (float)rng.NextDouble())], 30, 3);
        int[] labels = [.. Enumerable.Range(0, 30).Select(i => new[] { 0, 1, 9 }[i % 3])];
        var settings = new EmbedSettings { Method = EmbedMethod.Pca, Threads = 1 };
        var provenance = new Provenance("test", DateTimeOffset.UnixEpoch, 1);
        var names = MnistFamily.FashionMnist.ClassNames!;
        var outcome = CodeSpaceEmbedding.Run(points, labels, settings);
        EmbedReport.Write(RunDirectory.Create(Path.Combine(_dir, "named")), settings, new EmbedReport.Source("model.safetensors", "fashion-mnist", 3, 0, names, null),
                          labels, outcome, provenance);
        EmbedReport.Write(RunDirectory.Create(Path.Combine(_dir, "plain")), settings, EmbedReport.Source.OfPoints("x.csv"), labels, outcome, provenance);

        LegendTexts("named").Should().Equal("0 T-shirt/top", "1 Trouser", "9 Ankle boot");
        LegendTexts("plain").Should().Equal("label 0", "label 1", "label 9");
        names.Should().HaveCount(10);
        MnistFamily.Kmnist.ClassNames.Should().HaveCount(10);
    }

    private List<string> LegendTexts(string run)
    {
        var svg = SvgDom.Parse(File.ReadAllText(Path.Combine(_dir, run, "embedding.svg")));
        return [.. SvgDom.Groups(svg, "legend-entry").Select(g => g.Elements(SvgDom.SvgNs + "text").Single().Value)];
    }
}
