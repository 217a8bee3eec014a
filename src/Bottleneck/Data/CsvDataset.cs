using System.Globalization;
using Bottleneck.Tensors;
using CsvHelper;
using CsvHelper.Configuration;

namespace Bottleneck.Data;

/// <summary>Where a CSV file keeps its integer label, if anywhere.</summary>
public enum LabelColumn
{
    /// <summary>Every column is a feature.</summary>
    None,
    /// <summary>The last column holds integer labels.</summary>
    Last,
    /// <summary>The column whose header is <c>label</c> holds them.</summary>
    Named,
}

/// <summary>
/// Loads a numeric CSV file as a dataset. A first row that is not numeric is a header;
/// a header column named "label" (any case) becomes the labels, every other column a
/// feature. Every row must have the same number of finite values.
/// </summary>
public static class CsvDataset
{
    /// <summary>Longest cell, in characters: a number is a few dozen; a longer cell is not a number, and an endless one would fill memory.</summary>
    public const int MaxCellLength = 1000;

    /// <summary>Most values a CSV dataset may hold (a gigabyte of floats).</summary>
    public const int MaxValues = 250_000_000;

    /// <summary>Reads the numeric CSV file at <paramref name="path"/>; a <see cref="DataFormatException"/> naming the line when a value is not a number.</summary>
    public static Dataset Load(string path)
    {
        using var stream = InputFile.OpenRead(path, "CSV file");
        RefuseBinary(stream, path);
        using var reader = new StreamReader(stream);
        return Read(reader, path, LabelColumn.Named);
    }

    // Text never holds a NUL byte; a file that does in its first 64 KiB is binary (or a sparse file of zeros), and is refused before it is parsed.
    private static void RefuseBinary(FileStream stream, string path)
    {
        var head = new byte[1 << 16];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        int nul = Array.IndexOf(head, (byte)0, 0, n);
        if (nul >= 0) throw new DataFormatException($"{path} holds binary data (a NUL byte at offset {nul:N0}), not CSV text");
        stream.Position = 0;
    }

    /// <summary>Reads numeric CSV from <paramref name="text"/>; <paramref name="source"/> names it in messages; <paramref name="labelColumn"/> says where labels are.</summary>
    public static Dataset Read(TextReader text, string source, LabelColumn labelColumn)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false, TrimOptions = TrimOptions.Trim, MaxFieldSize = MaxCellLength };
        using var parser = new CsvParser(text, config);
        var values = new List<float>();
        var labels = new List<int>();
        int width = -1, labelIndex = -1;
        string name = Path.GetFileNameWithoutExtension(source);

        while (ReadRecord(parser, source, out var record))
        {
            int line = parser.RawRow;
            if (record.All(string.IsNullOrWhiteSpace)) continue;
            if (width < 0 && !record.Any(IsNumber))
            {
                // A header row (no cell is a number): remember its width and the label column, if it names one.
                width = record.Length;
                if (labelColumn == LabelColumn.Named)
                    labelIndex = Array.FindIndex(record, h => h.Trim().Equals("label", StringComparison.OrdinalIgnoreCase));
                continue;
            }
            if (width < 0)
            {
                width = record.Length;
                if (labelColumn == LabelColumn.Last) labelIndex = width - 1;
            }
            if (record.Length != width)
                throw new DataFormatException($"{source} line {line} has {record.Length} values, expected {width}");
            for (int c = 0; c < record.Length; c++)
            {
                if (!double.TryParse(record[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new DataFormatException($"{source} line {line}, column {c + 1}: '{Shorten(record[c])}' is not a number");
                if (!double.IsFinite(v) || !float.IsFinite((float)v))
                    throw new DataFormatException($"{source} line {line}, column {c + 1}: {Shorten(record[c])} is not a finite value (NaN and infinities are not allowed; remove or impute them)");
                if (c == labelIndex)
                {
                    if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                        throw new DataFormatException($"{source} line {line}, column {c + 1}: label {Shorten(record[c])} is not an integer");
                    labels.Add((int)v);
                }
                else values.Add((float)v);
            }
            if (values.Count > MaxValues) throw new DataFormatException($"{source} holds more than {MaxValues:N0} values, more than Bottleneck loads from a CSV file");
        }

        int features = width - (labelIndex >= 0 ? 1 : 0);
        if (values.Count == 0 || features <= 0)
            throw new DataFormatException($"{source} holds no data rows");
        int rows = values.Count / features;
        return new Dataset(name, new Tensor([.. values], rows, features), labelIndex >= 0 ? [.. labels] : null);
    }

    private static bool ReadRecord(CsvParser parser, string source, out string[] record)
    {
        try
        {
            if (parser.Read())
            {
                record = parser.Record ?? [];
                return true;
            }
        }
        catch (MaxFieldSizeException)
        {
            throw new DataFormatException($"{source} line {parser.RawRow}: a cell is longer than {MaxCellLength:N0} characters, which no number is");
        }
        catch (CsvHelperException e)
        {
            throw new DataFormatException($"{source} line {parser.RawRow}: malformed CSV ({e.GetType().Name.Replace("Exception", "")})");
        }
        record = [];
        return false;
    }

    private static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    // A cell as an error message can show it: short, and on one line (a quoted cell may hold line breaks).
    private static string Shorten(string s)
    {
        string flat = new([.. s.Select(c => char.IsControl(c) ? ' ' : c)]);
        return flat.Length <= 20 ? flat.Trim() : flat[..20].Trim() + "…";
    }
}
