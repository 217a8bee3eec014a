using Bottleneck.Losses;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Schedules;

namespace Bottleneck.Training;

/// <summary>Everything that defines one training run of <see cref="Trainer.Run"/>: the model, how it learns, for how long, and on how many threads.</summary>
public sealed record TrainSettings
{
    /// <summary>The model: a preset sized to the data when training starts, or a model file.</summary>
    public required ModelChoice Model { get; init; }
    /// <summary>The optimizer and its hyperparameters.</summary>
    public required OptimizerSettings Optimizer { get; init; }
    /// <summary>The reconstruction loss.</summary>
    public LossFunction Loss { get; init; } = LossFunction.Mse;
    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>
    /// The epochs of the whole run when this one trains only its first <see cref="Epochs"/> (asha's rungs, each continued by
    /// the next): the horizon a schedule plans for (cosine's default t_max), so the part trains as the whole would. Null: <see cref="Epochs"/>.
    /// </summary>
    public int? Horizon { get; init; }
    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Reshuffle the training set at the start of every epoch.</summary>
    public bool Shuffle { get; init; } = true;
    /// <summary>Stepped after every epoch with the evaluation loss; null keeps the learning rate constant.</summary>
    public ScheduleSpec? Schedule { get; init; }
    /// <summary>Stop after this many epochs without improvement of the evaluation loss; null never stops early.</summary>
    public int? EarlyStopping { get; init; }
    /// <summary>Train a denoising autoencoder: each batch's input is corrupted afresh, the target stays clean; null trains a plain one.</summary>
    public Denoising? Denoise { get; init; }
    /// <summary>λ of a sparse autoencoder's L1 activity penalty λ·mean |z| on the code (0: none).</summary>
    public double CodeL1 { get; init; }
    /// <summary>A variational model's weight of the KL term (β-VAE; 1 is the ELBO).</summary>
    public double Beta { get; init; } = 1;
    /// <summary>A variational model's KL warm-up: β grows linearly over this many epochs, β·min(1, epoch / warm-up) (0: none).</summary>
    public int KlWarmup { get; init; }
    /// <summary>The run's seed: initial weights, shuffles, dropout masks and denoising's corruptions.</summary>
    public uint Seed { get; init; }
    /// <summary>Threads for every layer's kernels; the numbers do not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Time every stage of every training step (<see cref="TrainResult.Profile"/>); the numbers trained are the same either way.</summary>
    public bool Profile { get; init; }

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require.AtLeast(Epochs, 1, "epochs");
        Require.AtLeast(Horizon, Epochs, "horizon");
        Require.AtLeast(BatchSize, 1, "batch-size");
        Require.AtLeast(EarlyStopping, 1, "early-stopping");
        Require.Threads(Threads);
        Require.NonNegative(CodeL1, "code-l1");
        Require.NonNegative(Beta, "beta");
        Require.AtLeast(KlWarmup, 0, "kl-warmup");
        Optimizer.Validate();
        Model.Validate();
    }
}
