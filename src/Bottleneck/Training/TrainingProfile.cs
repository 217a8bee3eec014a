namespace Bottleneck.Training;

/// <summary>
/// Where a training run's time went (<see cref="TrainSettings.Profile"/>), over every training step it took: gathering batches,
/// each layer's forward pass, weight gradient and input gradient, the loss, and the optimizer's steps, beside the time spent
/// evaluating after each epoch; and the arithmetic rate achieved against the machine's peak.
/// </summary>
/// <param name="Threads">Threads the run trained on.</param>
/// <param name="PeakGflops">The peak single-precision rate of that many cores: one core's measured fused multiply-add rate on the widest vectors in use, times the threads.</param>
/// <param name="Steps">Training steps (batches) profiled.</param>
/// <param name="Samples">Training samples those steps saw.</param>
/// <param name="TrainSeconds">Wall time of those steps, as the run's images per second count it.</param>
/// <param name="BatchSeconds">Gathering shuffled batches (and corrupting a denoising run's copy), zeroing gradients.</param>
/// <param name="LossSeconds">The step's work outside the layers: the loss and its gradient, a sparse code penalty, a variational model's sampling and KL term.</param>
/// <param name="OptimizerSeconds">The optimizer's steps.</param>
/// <param name="EvaluationSeconds">Scoring the held-out set after each epoch (not part of <paramref name="TrainSeconds"/>).</param>
/// <param name="Layers">Every layer of the encoder and then the decoder.</param>
public sealed record TrainingProfile(int Threads, double PeakGflops, long Steps, long Samples, double TrainSeconds, double BatchSeconds, double LossSeconds,
                                     double OptimizerSeconds, double EvaluationSeconds, IReadOnlyList<LayerProfile> Layers)
{
    /// <summary>Time in the layers' forward and backward passes.</summary>
    public double LayerSeconds => Layers.Sum(l => l.Seconds);
    /// <summary>What is left of the training steps' time: progress reports and the loop itself.</summary>
    public double OtherSeconds => Math.Max(0, TrainSeconds - BatchSeconds - LayerSeconds - LossSeconds - OptimizerSeconds);
    /// <summary>Floating-point operations of every layer's products (a multiply-add counts two).</summary>
    public double Gflop => Layers.Sum(l => l.Gflop);
    /// <summary>The rate achieved over the whole training time.</summary>
    public double Gflops => TrainSeconds > 0 ? Gflop / TrainSeconds : double.NaN;
    /// <summary><see cref="Gflops"/> as a share of <see cref="PeakGflops"/>.</summary>
    public double ShareOfPeak => Gflops / PeakGflops;
}

/// <summary>One layer's share of a <see cref="TrainingProfile"/>.</summary>
/// <param name="Part">encoder or decoder.</param>
/// <param name="Layer">The layer, as it describes itself (<c>Conv2d(1 → 8, k3, s2, p1)</c>).</param>
/// <param name="ForwardSeconds">Its forward passes.</param>
/// <param name="WeightGradientSeconds">Its parameter gradients (with the layout changes they need); 0 for a layer without parameters, and for BatchNorm, whose
/// gradients come out of one pass with its input gradient.</param>
/// <param name="InputGradientSeconds">The rest of its backward passes: the gradient it hands the layer before it.</param>
/// <param name="ForwardGflop">Floating-point operations of its forward products.</param>
/// <param name="WeightGradientGflop">Of its weight gradient products.</param>
/// <param name="InputGradientGflop">Of its input gradient products (none for the first layer, which needs no input gradient).</param>
public sealed record LayerProfile(string Part, string Layer, double ForwardSeconds, double WeightGradientSeconds, double InputGradientSeconds,
                                  double ForwardGflop, double WeightGradientGflop, double InputGradientGflop)
{
    /// <summary>Its time in all.</summary>
    public double Seconds => ForwardSeconds + WeightGradientSeconds + InputGradientSeconds;
    /// <summary>Its floating-point operations in all.</summary>
    public double Gflop => ForwardGflop + WeightGradientGflop + InputGradientGflop;
}
