namespace Bottleneck.Data;

/// <summary>
/// <c>idx:DIR</c>: any four IDX files of unsigned bytes in one folder, plain or gzipped, as the MNIST family ships
/// them (EMNIST, or your own): the training images and labels are the files whose names hold "train" and "images"
/// (or "idx3") and "labels" (or "idx1"), the test ones those with "t10k" or "test" instead of "train". No published
/// checksum is asked for, unlike the named datasets. Pixels are divided by 255.
/// </summary>
internal static class IdxFolder
{
    /// <summary>How a dataset name says it is an IDX folder: <c>idx:DIR</c>.</summary>
    public const string Prefix = "idx:";

    /// <summary>The training and test parts of the folder <paramref name="spec"/> names (<c>idx:DIR</c>); a <see cref="DataFormatException"/> naming a missing, doubled or damaged file.</summary>
    public static (Dataset Train, Dataset Test) Load(string spec)
    {
        string dir = spec[Prefix.Length..];
        if (dir.Length == 0) throw new SettingException("dataset", "idx: needs a folder, e.g. idx:data/emnist");
        if (!Directory.Exists(dir)) throw new DataFormatException($"{dir}: no such folder (expected a folder of four IDX files)");
        var files = Directory.GetFiles(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
        string Find(bool test, bool images)
        {
            var found = files.Where(f => IsSplit(f, test) && IsKind(f, images)).ToList();
            string what = $"{(test ? "test" : "training")} {(images ? "images" : "labels")}";
            return found.Count switch
            {
                1 => Path.Combine(dir, found[0]),
                0 => throw new DataFormatException($"{dir} has no {what} file (a name with \"{(test ? "t10k\" or \"test" : "train")}\" and \"{(images ? "images\" or \"idx3" : "labels\" or \"idx1")}\"); it holds {(files.Count == 0 ? "nothing" : string.Join(", ", files))}"),
                _ => throw new DataFormatException($"{dir} has several {what} files ({string.Join(", ", found)}); keep one"),
            };
        }
        var train = Idx.Load(name, Find(test: false, images: true), Find(test: false, images: false));
        var test = Idx.Load(name, Find(test: true, images: true), Find(test: true, images: false));
        if (!train.SampleShape.SequenceEqual(test.SampleShape))
            throw new DataFormatException($"{dir}: the training images are [{string.Join(", ", train.SampleShape)}], the test images [{string.Join(", ", test.SampleShape)}]");
        return (train, test);
    }

    private static bool IsSplit(string file, bool test) =>
        test ? file.Contains("t10k", StringComparison.OrdinalIgnoreCase) || file.Contains("test", StringComparison.OrdinalIgnoreCase)
             : file.Contains("train", StringComparison.OrdinalIgnoreCase);

    private static bool IsKind(string file, bool images) =>
        images ? file.Contains("images", StringComparison.OrdinalIgnoreCase) || file.Contains("idx3", StringComparison.OrdinalIgnoreCase)
               : file.Contains("labels", StringComparison.OrdinalIgnoreCase) || file.Contains("idx1", StringComparison.OrdinalIgnoreCase);
}
