using System.Globalization;
using Bottleneck.Tensors;
using SkiaSharp;

namespace Bottleneck.Data;

/// <summary>
/// <c>images:DIR</c>, as torchvision's <c>ImageFolder</c>: one sub-folder per class (labels are the folder names in
/// ordinal order), PNG and JPEG files, decoded with SkiaSharp. <c>train/</c> and <c>test/</c> sub-folders, each laid out
/// so, give a published split. Options after a <c>?</c>, joined by <c>&amp;</c>: <c>channels=1|3</c> (default: 3 when
/// any image has colour, else 1; grayscale is ITU-R 601 luma, as PIL's <c>convert("L")</c>), <c>size=N</c> (resize each
/// to N×N, bilinear; without it every image must have one size), <c>skip-bad</c> (skip unreadable files, counted,
/// instead of refusing the folder). Pixels are divided by 255, channel-major [C, H, W].
/// </summary>
internal static class ImageFolder
{
    /// <summary>How a dataset name says it is an image folder: <c>images:DIR</c>, options after a <c>?</c>.</summary>
    public const string Prefix = "images:";

    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Most pixels one image may have: PIL's decompression-bomb limit (about 89 million).</summary>
    public const long MaxPixels = 89_478_485;

    /// <summary>What a folder was read as.</summary>
    public sealed record Options(int? Channels, int? Size, bool SkipBad);

    /// <summary>The images, a published test split when the folder has train/ and test/, and the files skipped as unreadable.</summary>
    internal sealed record Loaded(Dataset Train, Dataset? Test, IReadOnlyList<string> Skipped, IReadOnlyList<string> ClassNames);

    /// <summary>The folder an <c>images:DIR?…</c> name points at, without its options.</summary>
    public static string PathOf(string spec)
    {
        string rest = spec[Prefix.Length..];
        int query = rest.LastIndexOf('?');
        string dir = query >= 0 ? rest[..query] : rest;
        if (dir.Length == 0) throw new SettingException("dataset", "images: needs a folder, e.g. images:data/photos");
        return dir;
    }

    /// <summary>The options of an <c>images:DIR?…</c> name; a <see cref="SettingException"/> listing the ones there are for any other.</summary>
    public static Options Parse(string spec)
    {
        string rest = spec[Prefix.Length..];
        int query = rest.LastIndexOf('?');
        int? channels = null, size = null;
        bool skipBad = false;
        if (query >= 0)
            foreach (var option in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var (key, value) = option.IndexOf('=') is var eq and > 0 ? (option[..eq], option[(eq + 1)..]) : (option, "");
                switch (key)
                {
                    case "channels" when value is "1" or "3":
                        channels = value[0] - '0';
                        break;
                    case "size" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s is >= 1 and <= 4096:
                        size = s;
                        break;
                    case "skip-bad" when value.Length == 0:
                        skipBad = true;
                        break;
                    default:
                        throw new SettingException("dataset", $"'{option}' in {spec} is not an image-folder option (expected channels=1 or 3, size=N from 1 to 4096, or skip-bad)");
                }
            }
        return new Options(channels, size, skipBad);
    }

    /// <summary>Reads and decodes the folder <paramref name="spec"/> names; a <see cref="DataFormatException"/> naming the first unreadable image unless <c>skip-bad</c> is given.</summary>
    public static Loaded Load(string spec)
    {
        string dir = PathOf(spec);
        var options = Parse(spec);
        if (!Directory.Exists(dir)) throw new DataFormatException($"{dir}: no such folder (expected a folder with one sub-folder of images per class)");
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
        string train = Path.Combine(dir, "train"), test = Path.Combine(dir, "test");
        bool split = Directory.Exists(train) && Directory.Exists(test);
        var trainFiles = Files(split ? train : dir);
        var testFiles = split ? Files(test) : null;
        var classes = trainFiles.Select(f => f.Class).Distinct().Order(StringComparer.Ordinal).ToList();
        if (testFiles?.Select(f => f.Class).FirstOrDefault(c => !classes.Contains(c)) is { } stray)
            throw new DataFormatException($"{test} has a class '{stray}' that {train} does not have");

        var skipped = new List<string>();
        var trainImages = Decode(trainFiles, options, skipped);
        var testImages = testFiles is null ? null : Decode(testFiles, options, skipped);
        var all = testImages is null ? trainImages : [.. trainImages, .. testImages];
        if (trainImages.Count == 0) throw new DataFormatException($"{(split ? train : dir)}: no readable image");
        var (height, width) = (all[0].Height, all[0].Width);
        if (all.FirstOrDefault(i => i.Height != height || i.Width != width) is { } odd)
            throw new DataFormatException($"{odd.File} is {odd.Width}×{odd.Height}, {all[0].File} {width}×{height}; give a size to resize them all, e.g. images:{dir}?size=28");
        int channels = options.Channels ?? (all.Any(i => i.Colour) ? 3 : 1);

        Dataset ToDataset(List<Decoded> images)
        {
            int perImage = channels * height * width;
            var values = new float[(long)images.Count * perImage];
            var labels = new int[images.Count];
            for (int i = 0; i < images.Count; i++)
            {
                Pixels(images[i].Rgba, channels, values.AsSpan(i * perImage, perImage));
                labels[i] = classes.IndexOf(images[i].Class);
            }
            return new Dataset(name, new Tensor(values, images.Count, perImage), labels, [channels, height, width]);
        }
        return new Loaded(ToDataset(trainImages), testImages is null || testImages.Count == 0 ? null : ToDataset(testImages), skipped, classes);
    }

    private sealed record Source(string Path, string Class);

    private sealed record Decoded(string File, string Class, int Width, int Height, byte[] Rgba, bool Colour);

    private static List<Source> Files(string dir)
    {
        var classDirs = Directory.GetDirectories(dir).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        var files = new List<Source>();
        foreach (var classDir in classDirs)
        {
            string label = Path.GetFileName(classDir);
            foreach (var file in Directory.GetFiles(classDir).Order(StringComparer.Ordinal))
                if (Extensions.Contains(Path.GetExtension(file).ToLowerInvariant()) && !Path.GetFileName(file).StartsWith('.'))
                    files.Add(new Source(file, label));
        }
        if (files.Count == 0)
            throw new DataFormatException($"{dir} has no PNG or JPEG images in class sub-folders (expected {Path.Combine(dir, "CLASS", "IMAGE.png")}, as torchvision's ImageFolder)");
        return files;
    }

    // Decoded in parallel into slots by index, so the order (and so every number after) does not depend on threads.
    private static List<Decoded> Decode(List<Source> files, Options options, List<string> skipped)
    {
        var slots = new Decoded?[files.Count];
        var errors = new string?[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            try { slots[i] = DecodeOne(files[i], options.Size); }
            catch (DataFormatException e) { errors[i] = e.Message; }
            // SkiaSharp reports a bitmap it cannot allocate or decode into with a plain Exception.
            catch (Exception e) when (e.GetType() == typeof(Exception)) { errors[i] = $"{files[i].Path} cannot be decoded ({e.Message.TrimEnd('.')})"; }
        });
        for (int i = 0; i < files.Count; i++)
            if (errors[i] is { } error)
            {
                if (!options.SkipBad) throw new DataFormatException($"{error}; add ?skip-bad to the dataset to skip unreadable images");
                skipped.Add(files[i].Path);
            }
        return [.. slots.OfType<Decoded>()];
    }

    private static Decoded DecodeOne(Source source, int? size)
    {
        InputFile.Check(source.Path, "image");
        using var data = SKData.Create(source.Path);
        using var codec = data is null ? null : SKCodec.Create(data);
        if (codec is null) throw new DataFormatException($"{source.Path} is not a readable PNG or JPEG image");
        // A few bytes of header can claim billions of pixels (a decompression bomb); refused before any is allocated.
        if ((long)codec.Info.Width * codec.Info.Height > MaxPixels)
            throw new DataFormatException($"{source.Path} claims {codec.Info.Width:N0}×{codec.Info.Height:N0} pixels, more than {MaxPixels:N0}; it is corrupt or far larger than a training image");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new DataFormatException($"{source.Path} is {(result == SKCodecResult.IncompleteInput ? "truncated" : "damaged")}: it cannot be decoded ({result})");
        SKBitmap pixels = bitmap;
        if (size is { } s && (info.Width != s || info.Height != s))
            pixels = bitmap.Resize(new SKImageInfo(s, s, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
                     ?? throw new DataFormatException($"{source.Path} could not be resized to {s}×{s}");
        try
        {
            byte[] rgba = pixels.Bytes;
            bool colour = false;
            for (int p = 0; p < rgba.Length && !colour; p += 4) colour = rgba[p] != rgba[p + 1] || rgba[p + 1] != rgba[p + 2];
            return new Decoded(source.Path, source.Class, pixels.Width, pixels.Height, rgba, colour);
        }
        finally
        {
            if (!ReferenceEquals(pixels, bitmap)) pixels.Dispose();
        }
    }

    // RGBA bytes to channel-major floats in [0, 1]: three planes, or one of 601 luma (alpha dropped).
    private static void Pixels(byte[] rgba, int channels, Span<float> values)
    {
        int n = rgba.Length / 4;
        if (channels == 3)
            for (int p = 0; p < n; p++)
            {
                values[p] = rgba[4 * p] / 255f;
                values[n + p] = rgba[4 * p + 1] / 255f;
                values[2 * n + p] = rgba[4 * p + 2] / 255f;
            }
        else
            for (int p = 0; p < n; p++)
                values[p] = (rgba[4 * p] * 299 + rgba[4 * p + 1] * 587 + rgba[4 * p + 2] * 114) / 1000 / 255f;
    }
}
