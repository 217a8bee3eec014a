using System.Globalization;
using Bottleneck.Tensors;
using CsvHelper;
using CsvHelper.Configuration;

namespace Bottleneck.Data;

/// <summary>Where a CSV file keeps its integer label, if anywhere.</summary>
public enum LabelColumn { None, Last, Named }

/// <summary>
/// Loads a numeric CSV file as a dataset. A first row that is not numeric is a header;
/// a header column named "label" (any case) becomes the labels, every other column a
/// feature. Every row must have the same number of finite values.
/// </summary>
public static class CsvDataset
{
    public static Dataset Load(string path)
    {
        if (Directory.Exists(path)) throw new DataFormatException($"{path} is a directory; give the path of a CSV file");
        if (!File.Exists(path)) throw new DataFormatException($"{path}: no such file");
        using var reader = new StreamReader(path);
        return Read(reader, path, LabelColumn.Named);
    }

    public static Dataset Read(TextReader text, string source, LabelColumn labelColumn)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false, TrimOptions = TrimOptions.Trim };
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
                    throw new DataFormatException($"{source} line {line}, column {c + 1}: {record[c].Trim()} is not a finite value (NaN and infinities are not allowed; remove or impute them)");
                if (c == labelIndex)
                {
                    if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                        throw new DataFormatException($"{source} line {line}, column {c + 1}: label {record[c].Trim()} is not an integer");
                    labels.Add((int)v);
                }
                else values.Add((float)v);
            }
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
        catch (CsvHelperException e)
        {
            throw new DataFormatException($"{source} line {parser.RawRow}: malformed CSV ({e.GetType().Name.Replace("Exception", "")})");
        }
        record = [];
        return false;
    }

    private static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Shorten(string s) => s.Length <= 20 ? s.Trim() : s[..20].Trim() + "…";
}
