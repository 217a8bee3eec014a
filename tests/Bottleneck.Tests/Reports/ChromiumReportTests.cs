using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Bottleneck.Tests.Cli;
using FluentAssertions;

namespace Bottleneck.Tests.Reports;

/// <summary>
/// A real browser opens a real run's report.html: headless Chromium takes a screenshot (which must be
/// a PNG with a drawn page, not a blank one) and dumps the rendered DOM (which must hold every chart
/// of the page as an &lt;svg&gt; with drawn marks and the image grid as a decoded &lt;img&gt;).
/// </summary>
public sealed class ChromiumReportTests : IDisposable
{
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(90);

    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-chromium-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [ChromiumFact]
    public void Train_report_renders_in_chromium_with_its_charts()
    {
        string run = Path.Combine(_dir, "run");
        var result = BottleneckProcess.Run(_dir, "train", "--dataset", "digits", "--model", "dense", "--epochs", "2", "--out", run);
        result.ExitCode.Should().Be(0, result.ToString());
        ShouldRenderWithItsCharts(Path.Combine(run, "report.html"), images: true);
    }

    [ChromiumFact]
    public void A_study_report_and_its_robustness_and_t_SNE_pages_render_in_chromium_with_their_charts()
    {
        string file = Path.Combine(_dir, "pipe.yaml"), run = Path.Combine(_dir, "run");
        File.WriteAllText(file, """
            dataset: digits
            model: dense
            hidden: 16
            code-size: 4
            seed: 0
            phases:
              - name: final
                train: {epochs: 3}
              - name: robustness
                robustness: {noise: "0,0.5,1", occlusion: "0,0.5,1", samples: 100}
              - name: codes
                embed: {method: tsne, samples: 300, use_model_of: final}
            """);
        var result = BottleneckProcess.Run(_dir, TimeSpan.FromSeconds(120), "run", file, "--out", run);
        result.ExitCode.Should().Be(0, result.ToString());
        string study = Path.Combine(run, "report.html");
        ShouldRenderWithItsCharts(study, images: true);
        string html = File.ReadAllText(study);
        foreach (var chart in new[] { "final/curves.svg", "robustness/noise.svg", "robustness/occlusion.svg", "codes/embedding.svg" })
            html.Should().Contain($"<figcaption><a href=\"{chart}\">", "the study's page shows every phase's charts itself");
        ShouldRenderWithItsCharts(Path.Combine(run, "robustness", "report.html"), images: true);
        ShouldRenderWithItsCharts(Path.Combine(run, "codes", "report.html"), images: false);
        File.ReadAllText(Path.Combine(run, "codes", "report.html")).Should().Contain("<circle", "the t-SNE map is drawn inline");
    }

    /// <summary>
    /// The screenshot is a PNG of the window's size with a drawn page on it, and the rendered DOM keeps
    /// every chart of the file as an &lt;svg&gt; that draws something (and the image grids, when the page has them).
    /// </summary>
    private void ShouldRenderWithItsCharts(string report, bool images)
    {
        File.Exists(report).Should().BeTrue(report);
        int svgsInFile = Regex.Matches(File.ReadAllText(report), "<svg[\\s>]").Count;
        svgsInFile.Should().BeGreaterThan(0, $"{report} shows its charts inline");

        string shot = Path.Combine(_dir, "shot.png");
        File.Delete(shot);
        Chromium(report, $"--screenshot={shot}", "--window-size=1200,2400");
        File.Exists(shot).Should().BeTrue("Chromium writes the screenshot");
        var image = DecodeRgb(File.ReadAllBytes(shot));
        image.Width.Should().Be(1200);
        image.Height.Should().Be(2400);
        int nonWhite = 0;
        var colours = new HashSet<int>();
        for (int i = 0; i < image.Width * image.Height; i++)
        {
            byte r = image.Pixels[3 * i], g = image.Pixels[3 * i + 1], b = image.Pixels[3 * i + 2];
            if (r < 240 || g < 240 || b < 240) nonWhite++;
            colours.Add(r << 16 | g << 8 | b);
        }
        nonWhite.Should().BeGreaterThan(20_000, $"text, tables and charts cover part of {report}");
        colours.Count.Should().BeGreaterThan(50, "text antialiasing, chart lines and images give many colours");

        string dom = Chromium(report, "--dump-dom");
        dom.Should().Contain("</html>");
        var svgs = Regex.Matches(dom, "<svg[\\s>].*?</svg>", RegexOptions.Singleline);
        svgs.Count.Should().Be(svgsInFile, $"the browser keeps every chart of {report}");
        foreach (Match svg in svgs)
            Regex.IsMatch(svg.Value, "<(path|polyline|line|rect|circle)[\\s/>]").Should().BeTrue("every chart draws something");
        if (images) dom.Should().Contain("<img", $"{report} shows its image grids inline");
        Regex.IsMatch(dom, "(src|href)=\"(https?:)?//").Should().BeFalse("the report is self-contained");
    }

    /// <summary>Runs headless Chromium on a file with its own throwaway profile; returns stdout.</summary>
    private string Chromium(string page, params string[] action)
    {
        string profile = Directory.CreateTempSubdirectory("profile-").FullName;
        try
        {
            var info = new ProcessStartInfo(ChromiumFactAttribute.Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                                        "--disable-sync", "--no-first-run", $"--user-data-dir={profile}" })
                info.ArgumentList.Add(arg);
            foreach (var arg in action) info.ArgumentList.Add(arg);
            info.ArgumentList.Add(new Uri(page).AbsoluteUri);
            using var process = Process.Start(info)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(BrowserTimeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                throw new Xunit.Sdk.XunitException($"chromium did not finish within {BrowserTimeout.TotalSeconds:0} s\n{stderr.Result}");
            }
            process.WaitForExit();
            process.ExitCode.Should().Be(0, stderr.Result);
            return stdout.Result;
        }
        finally
        {
            TempFolder.Delete(profile);
        }
    }

    private sealed record Rgb(int Width, int Height, byte[] Pixels);

    /// <summary>
    /// Chromium's PNGs use every filter type and RGB or RGBA, which PngDecoder (written for our
    /// encoder) refuses, so this reads 8-bit RGB/RGBA with all five filters, non-interlaced.
    /// </summary>
    private static Rgb DecodeRgb(byte[] png)
    {
        png[..8].Should().Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG starts with its signature");
        int width = 0, height = 0, channels = 0, pos = 8;
        var idat = new MemoryStream();
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length)).Should().Be(PngDecoder.BitwiseCrc32(png.AsSpan(pos + 4, 4 + length)), $"the CRC of chunk {type}");
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                data[8].Should().Be(8, "8 bits per sample");
                channels = data[9] switch { 2 => 3, 6 => 4, var t => throw new Xunit.Sdk.XunitException($"colour type {t}") };
                data[12].Should().Be(0, "not interlaced");
            }
            else if (type == "IDAT") idat.Write(data);
            pos += 12 + length;
        }
        using var inflated = new MemoryStream();
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int stride = width * channels;
        raw.Length.Should().Be(height * (stride + 1));
        var current = new byte[stride];
        var previous = new byte[stride];
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? current[x - channels] : 0, b = previous[x], c = x >= channels ? previous[x - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new Xunit.Sdk.XunitException($"row {y}: filter type {filter}"),
                };
                current[x] = (byte)(raw[y * (stride + 1) + 1 + x] + predictor);
            }
            for (int x = 0; x < width; x++)
            {
                // Composite any transparency over white, as a page background would be.
                int alpha = channels == 4 ? current[x * 4 + 3] : 255;
                for (int ch = 0; ch < 3; ch++)
                    rgb[(y * width + x) * 3 + ch] = (byte)((current[x * channels + ch] * alpha + 255 * (255 - alpha)) / 255);
            }
            (previous, current) = (current, previous);
        }
        return new Rgb(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
