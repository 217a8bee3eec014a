using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>
/// A dataset from NumPy files: <c>npy:PATH</c>, one array of samples ([n, features], [n, H, W] or [n, C, H, W]), or
/// <c>npz:PATH</c>, an archive with <c>x</c>, optionally <c>y</c> (labels) and a published split in <c>x_test</c> /
/// <c>y_test</c>; other array names are chosen with <c>npz:PATH?x=images&amp;y=labels&amp;x_test=…&amp;y_test=…</c>.
/// uint8 values are divided by 255; every other type is kept as it is.
/// </summary>
internal static class NumpyDataset
{
    private static readonly string[] Roles = ["x", "y", "x_test", "y_test"];

    /// <summary>Whether a dataset name is one of these (<c>npy:</c> or <c>npz:</c>).</summary>
    public static bool Handles(string spec) => spec.StartsWith("npy:", StringComparison.Ordinal) || spec.StartsWith("npz:", StringComparison.Ordinal);

    /// <summary>The file a spec names, without its array choices.</summary>
    public static string PathOf(string spec)
    {
        string rest = spec[4..];
        int query = spec.StartsWith("npz:", StringComparison.Ordinal) ? rest.LastIndexOf('?') : -1;
        string path = query >= 0 ? rest[..query] : rest;
        if (path.Length == 0) throw new SettingException("dataset", $"{spec[..4]} needs a path, e.g. {spec[..4]}data/images.{spec[..3]}");
        return path;
    }

    /// <summary>The samples, and the published test split when the archive has one.</summary>
    public static (Dataset Train, Dataset? Test) Load(string spec)
    {
        string path = PathOf(spec);
        string name = Path.GetFileNameWithoutExtension(path);
        if (spec.StartsWith("npy:", StringComparison.Ordinal))
            return (ToDataset(name, Npy.Load(path), null, path, path), null);

        var names = ArrayNames(spec);
        using var npz = Npz.Open(path);
        NpyArray Required(string role) => npz.Read(names[role])
            ?? throw new DataFormatException($"{path} has no array '{names[role]}' (it holds {string.Join(", ", npz.Names)}){(role == "x" ? "; choose one with npz:PATH?x=NAME" : "")}");
        var x = Required("x");
        var y = npz.Read(names["y"]);
        var xTest = npz.Read(names["x_test"]);
        var yTest = xTest is null ? null : npz.Read(names["y_test"]);
        if (xTest is not null && (y is null) != (yTest is null))
            throw new DataFormatException($"{path}: '{(y is null ? names["y_test"] : names["y"])}' gives labels for one split and the other has none; give both or neither");
        var train = ToDataset(name, x, y, $"{path} ({names["x"]})", $"{path} ({names["y"]})");
        if (xTest is null) return (train, null);
        var test = ToDataset(name, xTest, yTest, $"{path} ({names["x_test"]})", $"{path} ({names["y_test"]})");
        if (!test.SampleShape.SequenceEqual(train.SampleShape))
            throw new DataFormatException($"{path}: '{names["x_test"]}' has samples of shape [{string.Join(", ", test.SampleShape)}], '{names["x"]}' of [{string.Join(", ", train.SampleShape)}]");
        return (train, test);
    }

    private static Dictionary<string, string> ArrayNames(string spec)
    {
        var names = Roles.ToDictionary(r => r, r => r);
        int query = spec.LastIndexOf('?');
        if (query < 0) return names;
        foreach (var pair in spec[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string role = eq < 0 ? pair : pair[..eq];
            if (eq <= 0 || eq == pair.Length - 1 || !names.ContainsKey(role))
                throw new SettingException("dataset", $"'{pair}' in {spec} is not a choice of array (expected x=, y=, x_test= or y_test= with a name)");
            names[role] = pair[(eq + 1)..];
        }
        return names;
    }

    private static Dataset ToDataset(string name, NpyArray x, NpyArray? y, string source, string labelSource)
    {
        var shape = x.Shape;
        if (shape.Count is < 2 or > 4 || shape.Any(d => d == 0))
            throw new DataFormatException($"{source} has shape {Npy.ShapeText(shape)}; expected samples as [n, features], [n, H, W] or [n, C, H, W] with no empty dimension");
        int n = checked((int)shape[0]);
        long perSample = x.Count / n;
        var values = x.ToFloats();
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0) throw new DataFormatException($"{source}: value {bad:N0} (sample {bad / perSample:N0}) is {values[bad]}; NaN and infinities cannot be trained on");
        int[]? imageShape = shape.Count switch
        {
            3 => [1, (int)shape[1], (int)shape[2]],
            4 => [(int)shape[1], (int)shape[2], (int)shape[3]],
            _ => null,
        };
        int[]? labels = null;
        if (y is not null)
        {
            if (y.Shape.Count is not (1 or 2) || (y.Shape.Count == 2 && y.Shape[1] != 1) || y.Shape[0] != n)
                throw new DataFormatException($"{labelSource}: labels of shape {Npy.ShapeText(y.Shape)} for {n:N0} samples; expected ({n},) or ({n}, 1)");
            labels = y.ToLabels(labelSource);
        }
        return new Dataset(name, new Tensor(values, n, (int)perSample), labels, imageShape);
    }
}
