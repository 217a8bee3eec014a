using System.Diagnostics;
using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>Layers applied in order; activations and their gradients are kept per batch size.</summary>
public sealed class Sequential : Model
{
    private readonly Layer[] _layers;
    private readonly int[][] _shapes;   // _shapes[i] is the per-sample input shape of layer i; the last is the output
    private readonly Dictionary<int, Buffers> _buffers = [];
    private Tensor? _input;

    /// <summary>The <paramref name="layers"/> in order, for per-sample inputs of <paramref name="inputShape"/>; a layer that cannot take the shape before it throws here.</summary>
    public Sequential(int[] inputShape, params Layer[] layers)
    {
        _layers = layers;
        _shapes = new int[layers.Length + 1][];
        _shapes[0] = inputShape;
        for (int i = 0; i < layers.Length; i++) _shapes[i + 1] = layers[i].OutputShape(_shapes[i]);
    }

    /// <inheritdoc/>
    public override int[] InputShape => _shapes[0];
    /// <inheritdoc/>
    public override int[] OutputShape => _shapes[^1];
    /// <inheritdoc/>
    public override IEnumerable<Layer> Layers => _layers;

    /// <summary>Per-sample shape after each layer, for summaries.</summary>
    public IReadOnlyList<int[]> LayerOutputShapes => _shapes[1..];

    // x: [B, InputShape...] → y: [B, OutputShape...]
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (x.RowSize != Tensor.ElementCount(InputShape))
            throw new ArgumentException($"model expects {Tensor.ElementCount(InputShape)} values per sample, got {x.RowSize}");
        var b = BuffersFor(x.Rows);
        _input = x;
        var current = x;
        for (int i = 0; i < _layers.Length; i++)
        {
            long started = _layers[i].Clock is null ? 0 : Stopwatch.GetTimestamp();
            _layers[i].Forward(current, b.Activations[i]);
            _layers[i].Clock?.Forward(started, x.Rows);
            current = b.Activations[i];
        }
        return current;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool inputGradient = false)
    {
        var x = _input ?? throw new InvalidOperationException("Backward called before Forward");
        var b = BuffersFor(x.Rows);
        var grad = dy;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var layerInput = i == 0 ? x : b.Activations[i - 1];
            var dx = i > 0 || inputGradient ? b.Gradients[i] : null;
            _layers[i].Clock?.StartBackward();
            _layers[i].Backward(layerInput, b.Activations[i], grad, dx);
            _layers[i].Clock?.EndBackward(x.Rows, dx is not null);
            if (dx is null) return null;
            grad = dx;
        }
        return grad;
    }

    private Buffers BuffersFor(int batch)
    {
        if (!_buffers.TryGetValue(batch, out var b))
        {
            var activations = new Tensor[_layers.Length];
            var gradients = new Tensor[_layers.Length];
            for (int i = 0; i < _layers.Length; i++)
            {
                activations[i] = new Tensor([batch, .. _shapes[i + 1]]);
                gradients[i] = new Tensor([batch, .. _shapes[i]]);
            }
            _buffers[batch] = b = new Buffers(activations, gradients);
        }
        return b;
    }

    // Activations[i] is layer i's output; Gradients[i] is dL/d(layer i's input).
    private sealed record Buffers(Tensor[] Activations, Tensor[] Gradients);
}
