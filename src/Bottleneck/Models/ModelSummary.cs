using System.Text;

namespace Bottleneck.Models;

/// <summary>A readable table of an autoencoder: each layer with its output shape and parameter count.</summary>
public static class ModelSummary
{
    /// <summary>One line per layer of <paramref name="model"/> with its output shape and parameters, and the totals.</summary>
    public static string Format(Autoencoder model)
    {
        var rows = new List<(string Name, string Layer, string Shape, long Params)>
        {
            ("input", "", Shape(model.InputShape), 0),
        };
        Add(rows, "encoder", model.Encoder);
        Add(rows, "decoder", model.Decoder);

        int nameWidth = rows.Max(r => r.Name.Length), layerWidth = rows.Max(r => r.Layer.Length), shapeWidth = rows.Max(r => r.Shape.Length);
        var text = new StringBuilder();
        foreach (var (name, layer, shape, count) in rows)
            text.AppendLine($"{name.PadRight(nameWidth)}  {layer.PadRight(layerWidth)}  {shape.PadRight(shapeWidth)}  {(count > 0 ? count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "")}".TrimEnd());
        text.AppendLine($"{model.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} parameters; code size {model.CodeSize}");
        return text.ToString();
    }

    private static void Add(List<(string, string, string, long)> rows, string part, Sequential stack)
    {
        var layers = stack.Layers.ToList();
        for (int i = 0; i < layers.Count; i++)
            rows.Add(($"{part}.{i}", layers[i].ToString(), Shape(stack.LayerOutputShapes[i]), layers[i].Parameters.Sum(p => (long)p.Value.Length)));
    }

    private static string Shape(int[] shape) => $"[{string.Join(", ", shape)}]";
}
