using System.Text.Json;
using Bottleneck.Data;
using Bottleneck.Layers;
using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Tests.Layers;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Training;

public class VariationalTests
{
    public static TheoryData<string> Names() => [.. Fixture.Cases("vae.json").Select(c => c.GetProperty("name").GetString()!)];

    // The fixture's model: encoder Linear(6, 5) → ReLU → Linear(5, 4); decoder Linear(2, 5) → ReLU → Linear(5, 6) → Sigmoid.
    private static Autoencoder FixtureModel(JsonElement c)
    {
        var model = new Autoencoder(new Sequential([6], new Dense(6, 5), new ReLU(), new Dense(5, 4)),
                                    new Sequential([2], new Dense(2, 5), new ReLU(), new Dense(5, 6), new Sigmoid()), variational: true);
        var dense = model.Layers.OfType<Dense>().ToList();
        var weights = c.GetProperty("weights").EnumerateArray().ToList();
        var biases = c.GetProperty("biases").EnumerateArray().ToList();
        for (int i = 0; i < dense.Count; i++)
        {
            Fixture.Tensor(weights[i]).Data.CopyTo(dense[i].Weight.Value.Data, 0);
            Fixture.Tensor(biases[i]).Data.CopyTo(dense[i].Bias.Value.Data, 0);
        }
        return model;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_kl_and_every_gradient_match_pytorch_for_a_fixed_eps(string name)
    {
        var c = Fixture.Case("vae.json", name);
        var model = FixtureModel(c);
        Loss loss = c.GetProperty("loss_fn").GetString() == "bce" ? new BCELoss() : new MSELoss();
        var x = Fixture.Tensor(c.GetProperty("x"));
        var eps = Fixture.Tensor(c.GetProperty("eps")).Data;
        double beta = c.GetProperty("beta").GetDouble();
        var step = new VariationalStep(model, loss, seed: 0);
        model.ZeroGrad();
        var (reconstruction, kl) = step.Step(x, x, new Tensor(x.Shape), beta, eps);

        reconstruction.Should().BeApproximately(c.GetProperty("reconstruction").GetDouble(), 2e-6);
        kl.Should().BeApproximately(c.GetProperty("kl").GetDouble(), 1e-6);
        (reconstruction + beta * kl).Should().BeApproximately(c.GetProperty("loss").GetDouble(), 2e-6);
        var dense = model.Layers.OfType<Dense>().ToList();
        var weightGrads = c.GetProperty("weight_grads").EnumerateArray().ToList();
        var biasGrads = c.GetProperty("bias_grads").EnumerateArray().ToList();
        for (int i = 0; i < dense.Count; i++)
        {
            Close.Check(dense[i].Weight.Grad.Data, Fixture.Tensor(weightGrads[i]).Data, 1e-4, 1e-6, $"{name} layer {i} weight grad");
            Close.Check(dense[i].Bias.Grad.Data, Fixture.Tensor(biasGrads[i]).Data, 1e-4, 1e-6, $"{name} layer {i} bias grad");
        }
    }

    [Fact]
    public void The_reparameterised_gradients_match_finite_differences()
    {
        var rng = new RandomState(6);
        var model = new Autoencoder(new Sequential([5], new Dense(5, 4), new Tanh(), new Dense(4, 6)),
                                    new Sequential([3], new Dense(3, 4), new Tanh(), new Dense(4, 5), new Sigmoid()), variational: true);
        Init.Apply(model.Layers, InitScheme.KaimingUniform, rng);
        var x = GradientCheck.RandomTensor(rng, [4, 5], 0.5);
        for (int i = 0; i < x.Length; i++) x[i] += 0.5f;
        float[] eps = [.. GradientCheck.RandomTensor(rng, [4, 3], 1.5).Data];
        var step = new VariationalStep(model, new BCELoss(), seed: 0);
        var grad = new Tensor(x.Shape);
        double Objective()
        {
            var (reconstruction, kl) = step.Step(x, x, grad, 0.8, eps);
            return reconstruction + 0.8 * kl;
        }
        model.ZeroGrad();
        Objective();
        var analytic = model.Parameters.Select(p => p.Grad.Data.ToArray()).ToList();
        var parameters = model.Parameters;
        for (int i = 0; i < parameters.Count; i++)
            Close.Check(analytic[i], GradientCheck.Numeric(parameters[i].Value, Objective), 2e-2, 2e-4, $"{parameters[i].Name} of parameter {i}");
    }

    private static TrainSettings Make(int epochs, string model = "vae-dense", double beta = 1, int warmup = 0, int threads = 1) => new()
    {
        Model = new ModelChoice(model, 2, [32], OutputActivation.Sigmoid, InitScheme.KaimingUniform),
        Optimizer = OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch) with { LearningRate = 3e-3 },
        Loss = LossFunction.Bce,
        Epochs = epochs,
        BatchSize = 64,
        Seed = 8,
        Threads = threads,
        Beta = beta,
        KlWarmup = warmup,
    };

    [Fact]
    public void A_vae_learns_records_its_terms_and_is_the_same_on_any_thread_count()
    {
        var (train, test) = TrainerTests.Digits01();
        var one = Trainer.Run(Make(12), train, test);
        var two = Trainer.Run(Make(12, threads: 2), train, test);
        one.Status.Should().Be(RunStatus.Completed);
        one.Model.Variational.Should().BeTrue();
        one.Model.CodeSize.Should().Be(2);
        one.Model.Parameters.SelectMany(p => p.Value.Data).Should().Equal(two.Model.Parameters.SelectMany(p => p.Value.Data));
        var first = one.Epochs[0];
        var last = one.Epochs[^1];
        last.NegativeElbo!.Value.Should().BeLessThan(0.9 * first.NegativeElbo!.Value, "training lowers the negative ELBO");
        foreach (var e in one.Epochs)
        {
            e.NegativeElbo!.Value.Should().BeApproximately(e.Reconstruction!.Value + e.Kl!.Value, 1e-9);
            e.TrainLoss.Should().BeApproximately(e.NegativeElbo.Value, 1e-9, "β = 1: the loss is the negative ELBO");
            e.Kl.Value.Should().BeGreaterThan(0);
            e.EvalNegativeElbo.Should().NotBeNull();
        }
        // The code is μ: encoding twice gives the same codes (no sampling at test time).
        one.Model.Eval();
        one.Model.Encode(test.Features).Data.ToArray().Should().Equal(one.Model.Encode(test.Features).Data.ToArray());
    }

    [Fact]
    public void The_kl_warm_up_weighs_the_kl_term_by_a_growing_beta()
    {
        var (train, test) = TrainerTests.Digits01();
        var result = Trainer.Run(Make(4, beta: 0.5, warmup: 2), train, test);
        double[] betas = [0.25, 0.5, 0.5, 0.5];
        for (int e = 0; e < 4; e++)
            result.Epochs[e].TrainLoss.Should().BeApproximately(result.Epochs[e].Reconstruction!.Value + betas[e] * result.Epochs[e].Kl!.Value, 1e-9);
    }

    [Fact]
    public void A_resumed_vae_run_lands_on_the_uninterrupted_weights_and_steps_allocate_nothing()
    {
        var (train, test) = TrainerTests.Digits01();
        var whole = Trainer.Run(Make(4), train, test);
        TrainingState? afterTwo = null;
        Trainer.Run(Make(2), train, test, epochEnded: s => afterTwo = s);
        var resumed = Trainer.Run(Make(4), train, test, resume: afterTwo);
        resumed.Model.Parameters.SelectMany(p => p.Value.Data).Should().Equal(whole.Model.Parameters.SelectMany(p => p.Value.Data));
        TrainerTests.AllocatedInSteadySteps(Make(2), train, test).Should().Be(0);
    }

    [Theory]
    [InlineData("dense", 0.5, 0, 0.0, "beta")]
    [InlineData("dense", 1, 3, 0.0, "kl-warmup")]
    [InlineData("vae-dense", 1, 0, 0.1, "code-l1")]
    [InlineData("vae-dense", -1, 0, 0.0, "beta")]
    public void Settings_that_do_not_fit_the_model_are_refused(string model, double beta, int warmup, double codeL1, string setting)
    {
        var (train, test) = TrainerTests.Digits01();
        var act = () => Trainer.Run(Make(1, model, beta, warmup) with { CodeL1 = codeL1 }, train, test);
        act.Should().Throw<SettingException>().Where(e => e.Setting == setting);
    }

    [Fact]
    public void A_model_file_says_variational_and_its_head_must_be_even()
    {
        var spec = ModelSpec.Parse("input: [64]\nvariational: true\nencoder: [dense: 16, relu, dense: 6]\ndecoder: [dense: 16, relu, dense: 64, sigmoid]\n", "vae.yaml");
        spec.Variational.Should().BeTrue();
        var model = spec.Build(new RandomState(1));
        (model.Variational, model.CodeSize).Should().Be((true, 3));
        spec.ToJson()["variational"]!.GetValue<bool>().Should().BeTrue();
        ModelSpec.Parse(spec.ToJson().ToJsonString(), "again.json").Should().BeEquivalentTo(spec);
        Presets.Lab(20).ToJson().ContainsKey("variational").Should().BeFalse("a plain model's JSON is as it was");
        var odd = () => ModelSpec.Parse("input: [64]\nvariational: true\nencoder: [dense: 16, relu, dense: 5]\ndecoder: [dense: 64, sigmoid]\n", "odd.yaml");
        odd.Should().Throw<DataFormatException>().WithMessage("odd.yaml line 3: *2·d values*");
        var wrong = () => ModelSpec.Parse("input: [64]\nvariational: maybe\nencoder: [dense: 4]\ndecoder: [dense: 64]\n", "wrong.yaml");
        wrong.Should().Throw<DataFormatException>().WithMessage("wrong.yaml line 2: variational must be true or false*");
    }

    [Fact]
    public void The_negative_elbo_score_is_the_reconstruction_at_the_mean_plus_the_kl_of_each_sample()
    {
        var (train, test) = TrainerTests.Digits01();
        var model = Trainer.Run(Make(3), train, test).Model;
        var scores = NegativeElbo.PerSample(model, test, LossFunction.Bce, batchSize: 7);
        scores.Should().HaveCount(test.Count);
        model.Eval();
        foreach (int i in new[] { 0, 6, 7, 449 })
        {
            var x = new Tensor([1, .. model.InputShape]);
            test.Features.Row(i).CopyTo(x.Data);
            var h = model.Encoder.Forward(x).Clone();
            var y = model.Forward(x);
            double bce = 0;
            for (int j = 0; j < x.Length; j++)
            {
                double p = Math.Clamp(y[j], 1e-7, 1 - 1e-7);
                bce -= x[j] * Math.Log(p) + (1 - x[j]) * Math.Log(1 - p);
            }
            double kl = 0;
            for (int k = 0; k < 2; k++) kl += -0.5 * (1 + h[2 + k] - h[k] * h[k] - Math.Exp(h[2 + k]));
            scores[i].Should().BeApproximately(bce + kl, 1e-3 * (bce + kl), $"sample {i}");
        }
        FluentActions.Invoking(() => NegativeElbo.PerSample(Trainer.Run(Make(1, "dense"), train, test).Model, test, LossFunction.Bce))
            .Should().Throw<ArgumentException>();
    }

    [Fact]
    public void The_vae_lab_preset_has_a_head_twice_the_code()
    {
        var spec = Presets.VaeLab(16);
        var model = spec.Build(new RandomState(2));
        (model.Variational, model.CodeSize).Should().Be((true, 16));
        model.Encoder.OutputShape.Should().Equal(32);
        model.Decoder.OutputShape.Should().Equal(1, 28, 28);
    }
}
