using System.Text.Json;
using Bottleneck.Tensors;

namespace Bottleneck.Tests;

/// <summary>Reads the PyTorch / scikit-learn fixtures written by Fixtures/generate_fixtures.py.</summary>
public static class Fixture
{
    public static JsonElement Load(string file) => JsonDocument.Parse(File.ReadAllText(Path(file))).RootElement;

    /// <summary>Where a fixture file is, in the test's output folder.</summary>
    public static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", file);

    public static IEnumerable<JsonElement> Cases(string file) => Load(file).GetProperty("cases").EnumerateArray();

    public static JsonElement Case(string file, string name) => Cases(file).Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>{"shape": [...], "data": [...]} as a tensor.</summary>
    public static Tensor Tensor(JsonElement e) => new(Floats(e.GetProperty("data")), [.. e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())]);

    public static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(v => (float)v.GetDouble())];

    public static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetInt32())];

    public static double Double(JsonElement e, string name, double fallback = 0) =>
        e.TryGetProperty(name, out var v) ? v.GetDouble() : fallback;
}
