using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Training;

// Your own data: 1,000 samples of 16 values in [0, 1] (here: noisy mixtures of two patterns).
var random = new Random(0);
var values = new float[1000 * 16];
for (int i = 0; i < 1000; i++)
{
    double a = random.NextDouble(), b = random.NextDouble();
    for (int j = 0; j < 16; j++) values[i * 16 + j] = (float)Math.Clamp(a * Math.Sin(j / 3.0) / 2 + b * j / 32 + 0.3 + random.NextDouble() / 20, 0, 1);
}
var (train, test) = TrainTestSplit.Split(new Dataset("mine", new Tensor(values, 1000, 16)), 0.2, seed: 0);

// A dense autoencoder 16 → 32 → 4 → 32 → 16, trained with Adam.
var settings = new TrainSettings
{
    Model = new ModelChoice("dense", CodeSize: 4, Hidden: [32]),
    Optimizer = OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch) with { LearningRate = 1e-2 },
    Epochs = 30,
    BatchSize = 50,
};
var result = Trainer.Run(settings, train, test);
Console.WriteLine($"test MSE after {result.Epochs.Count} epochs: {result.TestMse:0.00000} (predicting the mean sample: {MseBaselines.Of(train, test).MeanImage:0.00000})");

// Encode, save, load, and check the loaded model gives the same codes.
Tensor codes = result.Model.Encode(test.Features);
Console.WriteLine($"code of the first test sample: [{string.Join(", ", codes.Row(0).ToArray().Select(v => v.ToString("0.000")))}]");
Checkpoint.Save("mine.safetensors", result.Model, result.Spec);
var (loaded, _, _) = Checkpoint.Load("mine.safetensors");
Console.WriteLine($"loaded model gives the same codes: {loaded.Encode(test.Features).Span.SequenceEqual(codes.Span)}");
