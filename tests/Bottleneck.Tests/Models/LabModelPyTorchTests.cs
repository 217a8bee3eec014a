using Bottleneck.Data;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Models;

public class LabModelPyTorchTests
{
    private static string TorchCheckpoint => Path.Combine(AppContext.BaseDirectory, "Fixtures", "lab_torch.safetensors");

    // PyTorch's own lab model (default init, seed 0), loaded from the safetensors file PyTorch wrote:
    // the code, the reconstruction, the loss and all 20 parameter gradients must agree.
    [Fact]
    public void Lab_model_on_pytorch_weights_gives_pytorchs_outputs_and_gradients()
    {
        var f = Fixture.Load("lab_model.json");
        var (model, _, _) = Checkpoint.Load(TorchCheckpoint, Presets.Lab(20));
        var x = Fixture.Tensor(f.GetProperty("x"));

        Close.Check(model.Encode(x).Data, Fixture.Tensor(f.GetProperty("z")).Data, 1e-4, 1e-5, "code");
        var y = model.Forward(x);
        Close.Check(y.Data, Fixture.Tensor(f.GetProperty("y")).Data, 1e-5, 1e-6, "reconstruction");
        var loss = new MSELoss();
        loss.Forward(y, x).Should().BeApproximately(f.GetProperty("loss").GetDouble(), 1e-6);

        model.ZeroGrad();
        var grad = new Tensor(y.Shape);
        loss.Backward(y, x, grad);
        model.Backward(grad);
        var grads = f.GetProperty("grads");
        var parameters = model.Parameters;
        int checkedCount = 0;
        foreach (var (name, value) in Checkpoint.StateDict(model))
        {
            var p = parameters.Single(q => ReferenceEquals(q.Value, value));
            var expected = Fixture.Tensor(grads.GetProperty(name)).Data;
            // Encoder gradients are ~1e-8 at initialisation: the tolerance scales with each tensor's size.
            double scale = expected.Max(v => Math.Abs(v));
            Close.Check(p.Grad.Data, expected, 1e-3, 1e-4 * scale, $"d{name}");
            checkedCount++;
        }
        checkedCount.Should().Be(20);
    }

    [Fact]
    public void Our_checkpoint_round_trips_names_shapes_values_and_architecture()
    {
        var model = Presets.Lab(12).Build(new RandomState(5));
        string path = Path.Combine(Path.GetTempPath(), $"bottleneck-ckpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, model, Presets.Lab(12), new Dictionary<string, string> { ["training"] = "{\"epochs\": 3}" });
            var (loaded, spec, metadata) = Checkpoint.Load(path);
            spec.ToJson().ToJsonString().Should().Be(Presets.Lab(12).ToJson().ToJsonString());
            metadata["training"].Should().Be("{\"epochs\": 3}");
            metadata[Checkpoint.FormatKey].Should().Be(Checkpoint.Format);
            Checkpoint.StateDict(loaded).SelectMany(t => t.Value.Data).Should().Equal(Checkpoint.StateDict(model).SelectMany(t => t.Value.Data));
            Checkpoint.StateDict(loaded).Select(t => t.Name).Should().Contain(["encoder.0.weight", "decoder.9.bias"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_checkpoint_for_another_architecture_names_what_does_not_fit()
    {
        var act = () => Checkpoint.Load(TorchCheckpoint, Presets.Lab(8));
        act.Should().Throw<DataFormatException>().WithMessage("*encoder.9.weight has shape [20, 64], the architecture needs [8, 64]*");
        var dense = () => Checkpoint.Load(TorchCheckpoint, Presets.Dense([1, 28, 28], 20, [], OutputActivation.Sigmoid, Bottleneck.Layers.InitScheme.KaimingUniform));
        dense.Should().Throw<DataFormatException>().WithMessage("*does not fit the architecture: missing*unexpected*");
    }

    [Fact]
    public void A_file_without_architecture_asks_for_the_model()
    {
        var act = () => Checkpoint.Load(TorchCheckpoint);
        act.Should().Throw<DataFormatException>().WithMessage("*no architecture*give its model*");
    }
}
