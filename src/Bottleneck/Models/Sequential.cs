using System.Diagnostics;
using Bottleneck.Layers;
using Bottleneck.Tensors;

namespace Bottleneck.Models;

/// <summary>Layers applied in order; activations and their gradients are kept per batch size.</summary>
/// <remarks>
/// An activation right after a convolution, when its gradient can be had from its output (ReLU, Sigmoid, Tanh), runs
/// inside the convolution's jobs (<see cref="FusedActivation"/>) and in place: the convolution's output buffer is the
/// activation's, and the activation's input gradient overwrites its output gradient. The same bits as one layer after
/// the other, with one pass fewer over the batch each way and no separate buffer to write. A layer that only reshapes
/// (Flatten, Unflatten) copies nothing: its output is a view of its input, and its input gradient of its output gradient.
/// </remarks>
public sealed class Sequential : Model
{
    private readonly Layer[] _layers;
    private readonly int[][] _shapes;   // _shapes[i] is the per-sample input shape of layer i; the last is the output
    private readonly bool[] _fusedWithNext; // layer i is a convolution whose activation, layer i + 1, runs inside it
    private readonly bool[] _viewForward;   // layer i only reshapes, and its output is a view of its input: nothing to run
    private readonly bool[] _viewBackward;  // layer i only reshapes, and its input gradient is a view of its output gradient
    private readonly Dictionary<int, Buffers> _buffers = [];
    private Tensor? _input;

    /// <summary>The <paramref name="layers"/> in order, for per-sample inputs of <paramref name="inputShape"/>; a layer that cannot take the shape before it throws here.</summary>
    public Sequential(int[] inputShape, params Layer[] layers)
    {
        _layers = layers;
        _shapes = new int[layers.Length + 1][];
        _shapes[0] = inputShape;
        for (int i = 0; i < layers.Length; i++) _shapes[i + 1] = layers[i].OutputShape(_shapes[i]);
        _fusedWithNext = new bool[layers.Length];
        for (int i = 0; i + 1 < layers.Length; i++)
            if (layers[i] is ConvolutionLayer && layers[i + 1] is PointwiseLayer { BackwardFromOutput: true } activation)
                (_fusedWithNext[i], activation.InsideConvolution) = (true, true);
        // The model's input and the caller's output gradient are not the model's buffers, so the first layer's output and
        // the last layer's input gradient cannot be views.
        _viewForward = [.. layers.Select((l, i) => l.ReshapesOnly && i > 0)];
        _viewBackward = [.. layers.Select((l, i) => l.ReshapesOnly && i + 1 < layers.Length)];
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
            if (_fusedWithNext[i])
            {
                var activation = new FusedActivation((PointwiseLayer)_layers[i + 1], b.Activations[i], b.Activations[i + 1]);  // the same buffer: z = f(y) in place
                ((ConvolutionLayer)_layers[i]).Forward(current, b.Activations[i], activation);
                _layers[i].Clock?.Forward(started, x.Rows);
                _layers[++i].Clock?.Forward(Stopwatch.GetTimestamp(), x.Rows);
            }
            else
            {
                if (!_viewForward[i]) _layers[i].Forward(current, b.Activations[i]);
                _layers[i].Clock?.Forward(started, x.Rows);
            }
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
            if (i > 0 && _fusedWithNext[i - 1])
            {
                // The activation's dx = f′·dz is made inside the convolution's backward pass, below.
                _layers[i].Clock?.StartBackward();
                _layers[i].Clock?.EndBackward(x.Rows, true);
                continue;
            }
            _layers[i].Clock?.StartBackward();
            if (_fusedWithNext[i])
            {
                var z = b.Activations[i + 1];
                var activation = new FusedActivation((PointwiseLayer)_layers[i + 1], z, z, grad);  // dy = f′(z)·dz, over dz unless dz is the caller's
                ((ConvolutionLayer)_layers[i]).Backward(layerInput, b.Activations[i], b.Gradients[i + 1], dx, activation);
            }
            else if (!_viewBackward[i])
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
            // Gradient views first, from the top down, so that a fused activation below one shares the view itself.
            for (int i = _layers.Length - 1; i >= 0; i--)
                if (_viewBackward[i]) gradients[i] = new Tensor(gradients[i + 1].Data, [batch, .. _shapes[i]]);
            for (int i = 0; i < _layers.Length; i++)
            {
                if (!_fusedWithNext[i]) continue;
                activations[i] = activations[i + 1];
                if (i + 2 < _layers.Length) gradients[i + 1] = gradients[i + 2];
            }
            for (int i = 0; i < _layers.Length; i++)
                if (_viewForward[i]) activations[i] = new Tensor(activations[i - 1].Data, [batch, .. _shapes[i + 1]]);
            _buffers[batch] = b = new Buffers(activations, gradients);
        }
        return b;
    }

    // Activations[i] is layer i's output; Gradients[i] is dL/d(layer i's input). A fused convolution's output and its
    // activation's are one buffer, and so are the activation's input and output gradients; a reshaping layer's output
    // and input gradient are views of its input and output gradient.
    private sealed record Buffers(Tensor[] Activations, Tensor[] Gradients);
}
