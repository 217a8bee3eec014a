using Bottleneck.Export.Onnx;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Tensors;
using Google.Protobuf;

namespace Bottleneck.Export;

/// <summary>Which half of an autoencoder to export.</summary>
public enum ModelPart
{
    /// <summary>Both halves: image → reconstruction.</summary>
    Full,

    /// <summary>The encoder: image → code.</summary>
    Encoder,

    /// <summary>The decoder: code → image.</summary>
    Decoder,
}

/// <summary>
/// Writes a model as an ONNX graph (opset <see cref="Opset"/>) that ONNX Runtime, PyTorch's importers and other
/// runtimes run: one node per layer (Dense → Gemm, Conv2d → Conv, ConvTranspose2d → ConvTranspose with its output
/// padding, BatchNorm → BatchNormalization with the running statistics, as in eval mode, Dropout → Identity,
/// activations, Flatten, Unflatten → Reshape), weights as initializers under their PyTorch state_dict names, a
/// dynamic batch dimension, and the architecture and training settings in the model's metadata.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graphs use: 17, which ONNX Runtime 1.13 and later and PyTorch 1.13's exporter know.</summary>
    public const int Opset = 17;

    /// <summary>IR version 8 is the one opset 17 was released with; every current runtime reads it.</summary>
    private const long IrVersion = 8;

    /// <summary>The graph's input and output names, by part.</summary>
    public static (string Input, string Output) Names(ModelPart part) => part switch
    {
        ModelPart.Encoder => ("input", "code"),
        ModelPart.Decoder => ("code", "reconstruction"),
        _ => ("input", "reconstruction"),
    };

    /// <summary>The ONNX model as bytes; an <see cref="ArgumentException"/> for a variational model, which the export does not cover yet.</summary>
    /// <param name="metadata">Key–value pairs for the model's metadata_props (e.g. a checkpoint's training settings).</param>
    /// <param name="model">The trained autoencoder.</param>
    /// <param name="spec">Its architecture, which names the graph's nodes.</param>
    /// <param name="part">The whole model, the encoder or the decoder.</param>
    public static byte[] ToBytes(Autoencoder model, ModelSpec spec, ModelPart part, IReadOnlyDictionary<string, string> metadata)
    {
        if (model.Variational) throw new ArgumentException("the ONNX export does not cover variational models yet (the encoder's head holds μ and log σ²)");
        var (inputName, outputName) = Names(part);
        var graph = new GraphProto { Name = $"bottleneck_{part.ToString().ToLowerInvariant()}" };
        var stacks = part switch
        {
            ModelPart.Encoder => new[] { ("encoder", model.Encoder) },
            ModelPart.Decoder => [("decoder", model.Decoder)],
            _ => [("encoder", model.Encoder), ("decoder", model.Decoder)],
        };
        int[] inputShape = stacks[0].Item2.InputShape;
        graph.Input.Add(Value(inputName, inputShape));

        string current = inputName;
        foreach (var (prefix, stack) in stacks)
        {
            var layers = stack.Layers.ToList();
            int[] shape = stack.InputShape;
            for (int i = 0; i < layers.Count; i++)
            {
                current = AddLayer(graph, layers[i], $"{prefix}.{i}", current, shape);
                shape = stack.LayerOutputShapes[i];
            }
        }
        graph.Node.Add(Node("Identity", [current], outputName, "output"));
        graph.Output.Add(Value(outputName, stacks[^1].Item2.OutputShape));

        var onnx = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Bottleneck",
            ProducerVersion = LibraryVersion.Current,
            Graph = graph,
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        onnx.MetadataProps.Add(new StringStringEntryProto { Key = "architecture", Value = spec.ToJson().ToJsonString() });
        onnx.MetadataProps.Add(new StringStringEntryProto { Key = "part", Value = part.ToString().ToLowerInvariant() });
        foreach (var (key, value) in metadata.Where(m => m.Key is not ("architecture" or "part")).OrderBy(m => m.Key, StringComparer.Ordinal))
            onnx.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return onnx.ToByteArray();
    }

    // One layer's nodes and initializers; returns the name of its output. x: [N, ...shape].
    private static string AddLayer(GraphProto graph, Layer layer, string name, string x, int[] shape)
    {
        string y = name + ".out";
        switch (layer)
        {
            case Dense dense:
                // Gemm takes [N, features]; a dense layer after a convolution sees its input flattened, as ours does.
                if (shape.Length > 1)
                {
                    graph.Node.Add(Node("Flatten", [x], name + ".flat", name + ".flatten", Attribute("axis", 1)));
                    x = name + ".flat";
                }
                graph.Node.Add(Node("Gemm", [x, Initializer(graph, name + ".weight", dense.Weight.Value), Initializer(graph, name + ".bias", dense.Bias.Value)],
                                    y, name, Attribute("transB", 1)));
                break;
            case ConvolutionLayer conv:
                List<string> inputs = [x, Initializer(graph, name + ".weight", conv.Weight.Value)];
                if (conv.Bias is { } bias) inputs.Add(Initializer(graph, name + ".bias", bias.Value));
                List<AttributeProto> attributes =
                [
                    Attribute("kernel_shape", conv.KernelSize, conv.KernelSize),
                    Attribute("strides", conv.Stride, conv.Stride),
                    Attribute("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding),
                ];
                if (conv is ConvTranspose2d transpose) attributes.Add(Attribute("output_padding", transpose.OutputPadding, transpose.OutputPadding));
                graph.Node.Add(Node(conv is ConvTranspose2d ? "ConvTranspose" : "Conv", inputs, y, name, [.. attributes]));
                break;
            case BatchNorm norm:
                var buffers = norm.Buffers.ToDictionary(b => b.Name, b => b.Value);
                graph.Node.Add(Node("BatchNormalization",
                    [x, Initializer(graph, name + ".weight", norm.Weight.Value), Initializer(graph, name + ".bias", norm.Bias.Value),
                     Initializer(graph, name + ".running_mean", buffers["running_mean"]), Initializer(graph, name + ".running_var", buffers["running_var"])],
                    y, name, Attribute("epsilon", (float)norm.Epsilon)));
                break;
            case Dropout:
                graph.Node.Add(Node("Identity", [x], y, name));
                break;
            case ReLU:
                graph.Node.Add(Node("Relu", [x], y, name));
                break;
            case LeakyReLU leaky:
                graph.Node.Add(Node("LeakyRelu", [x], y, name, Attribute("alpha", leaky.NegativeSlope)));
                break;
            case Sigmoid:
                graph.Node.Add(Node("Sigmoid", [x], y, name));
                break;
            case Tanh:
                graph.Node.Add(Node("Tanh", [x], y, name));
                break;
            case Flatten:
                graph.Node.Add(Node("Flatten", [x], y, name, Attribute("axis", 1)));
                break;
            case Unflatten unflatten:
                var target = new TensorProto { Name = name + ".shape", DataType = (int)TensorProto.Types.DataType.Int64 };
                target.Dims.Add(unflatten.Shape.Length + 1);
                target.Int64Data.Add(-1);
                target.Int64Data.AddRange(unflatten.Shape.Select(d => (long)d));
                graph.Initializer.Add(target);
                graph.Node.Add(Node("Reshape", [x, target.Name], y, name));
                break;
            default:
                throw new ArgumentException($"{layer} has no ONNX form in this exporter");
        }
        return y;
    }

    private static string Initializer(GraphProto graph, string name, Tensor value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(value.Shape.Select(d => (long)d));
        // raw_data is little-endian float32, as this machine (and every machine .NET runs on) stores it.
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.Span));
        graph.Initializer.Add(tensor);
        return name;
    }

    private static NodeProto Node(string op, IEnumerable<string> inputs, string output, string name, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Attribute(string name, params long[] values) => values.Length == 1
        ? new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = values[0] }
        : new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    private static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    // A float tensor whose first dimension is the batch, named "batch" so runtimes accept any batch size.
    private static ValueInfoProto Value(string name, int[] perSample)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (int d in perSample) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
