using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Tensors;
using Bottleneck.Tests.Layers;
using FluentAssertions;

namespace Bottleneck.Tests.Models;

// Sequential runs an activation that follows a convolution inside the convolution's jobs, in place, and lets a reshaping
// layer's buffers be views of its neighbours'. These tests hold it to the same bits as the layers called one after the
// other, each with buffers of its own, which the layer tests check against finite differences and PyTorch.
public class SequentialBufferTests
{
    // Every activation kind after both convolution kinds, a LeakyReLU with a negative slope (whose gradient needs its
    // input, so it must not be fused), a Flatten and an Unflatten between them, and an activation last, whose output
    // gradient is the caller's and must stay so.
    private static Layer[] Stack(int seed)
    {
        var rng = new RandomState((uint)seed);
        Layer[] layers =
        [
            new Conv2d(2, 4, 3, 2, 1), new ReLU(),
            new Conv2d(4, 6, 3, 1, 1), new LeakyReLU(0.1f),
            new Conv2d(6, 6, 3, 1, 1), new LeakyReLU(-0.5f), new Flatten(), new Unflatten(6, 5, 5),
            new ConvTranspose2d(6, 3, 3, 2, 1, 1), new Tanh(),
            new ConvTranspose2d(3, 2, 3, 1, 1), new Sigmoid(),
        ];
        foreach (var layer in layers) layer.ResetParameters(InitScheme.KaimingUniform, rng);
        return layers;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sequential_gives_the_bits_of_its_layers_run_one_by_one(int threads)
    {
        // 18 samples: two runs of samples, the second partial.
        var rng = new RandomState(5);
        var x = GradientCheck.RandomTensor(rng, [18, 2, 10, 10], 1);
        using var pool = new WorkerPool(threads);
        var fused = Stack(7);
        var model = new Sequential([2, 10, 10], fused) { Workers = pool };
        var y = model.Forward(x);
        var dy = GradientCheck.RandomTensor(rng, y.Shape, 1);
        var dyBefore = dy.Clone();
        model.ZeroGrad();
        var dx = model.Backward(dy, inputGradient: true)!;

        var alone = Stack(7);
        foreach (var layer in alone) layer.Workers = pool;
        var outputs = new Tensor[alone.Length];
        var input = x;
        for (int i = 0; i < alone.Length; i++)
        {
            outputs[i] = new Tensor([x.Rows, .. alone[i].OutputShape(input.Shape[1..])]);
            alone[i].Forward(input, outputs[i]);
            input = outputs[i];
        }
        var grad = dy;
        for (int i = alone.Length - 1; i >= 0; i--)
        {
            var layerInput = i == 0 ? x : outputs[i - 1];
            var inputGrad = new Tensor(layerInput.Shape);
            alone[i].Backward(layerInput, outputs[i], grad, inputGrad);
            grad = inputGrad;
        }

        y.Data.Should().Equal(outputs[^1].Data, "the forward pass");
        dx.Data.Should().Equal(grad.Data, "the input gradient");
        dy.Data.Should().Equal(dyBefore.Data, "the caller's output gradient is left as it was");
        var fusedParameters = fused.SelectMany(l => l.Parameters).ToList();
        var aloneParameters = alone.SelectMany(l => l.Parameters).ToList();
        for (int p = 0; p < fusedParameters.Count; p++)
            fusedParameters[p].Grad.Data.Should().Equal(aloneParameters[p].Grad.Data, $"parameter {p}'s gradient");
        outputs[^1].Data.Should().Contain(v => v > 0.01f && v < 0.99f, "the test's values are not all saturated");
    }

    [Fact]
    public void Only_activations_whose_gradient_follows_from_their_output_are_fused()
    {
        var layers = Stack(7);
        _ = new Sequential([2, 10, 10], layers);
        layers.OfType<PointwiseLayer>().Select(a => a.InsideConvolution).Should().Equal(true, true, false, true, true);
    }
}
