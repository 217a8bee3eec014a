using System.Text.Json.Nodes;
using Bottleneck.Optimizers;

namespace Bottleneck.Reports;

/// <summary>Settings as results files record them.</summary>
public static class SettingsJson
{
    /// <summary>Every hyperparameter of an optimizer, so a run can be repeated without knowing anyone's defaults.</summary>
    public static JsonObject Optimizer(OptimizerSettings o) => new()
    {
        ["name"] = o.Name,
        ["learning_rate"] = o.LearningRate,
        ["weight_decay"] = o.WeightDecay,
        ["momentum"] = o.Momentum,
        ["dampening"] = o.Dampening,
        ["nesterov"] = o.Nesterov,
        ["beta1"] = o.Beta1,
        ["beta2"] = o.Beta2,
        ["epsilon"] = o.Epsilon,
        ["rho"] = o.Rho,
        ["centered"] = o.Centered,
        ["initial_accumulator"] = o.InitialAccumulator,
        ["lr_decay"] = o.LrDecay,
        ["momentum_decay"] = o.MomentumDecay,
    };
}
