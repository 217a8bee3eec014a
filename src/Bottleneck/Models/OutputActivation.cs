using System.Text.Json.Serialization;

namespace Bottleneck.Models;

/// <summary>Activation at the decoder's output.</summary>
[JsonConverter(typeof(EnumAsWord<OutputActivation>))]
public enum OutputActivation
{
    /// <summary>Outputs in (0, 1), for data scaled to [0, 1] (and needed by BCE).</summary>
    Sigmoid,
    /// <summary>No activation: outputs unbounded, for standardised data.</summary>
    Linear,
}
