using System.Text.Json.Serialization;

namespace Bottleneck.Training;

/// <summary>How a training run ended.</summary>
[JsonConverter(typeof(EnumAsWord<RunStatus>))]
public enum RunStatus
{
    /// <summary>Every planned epoch trained (or early stopping ended it).</summary>
    Completed,
    /// <summary>A loss became NaN or infinite; training stopped instead of producing garbage.</summary>
    Diverged,
    /// <summary>Stopped on request (Ctrl-C); the epochs before it are kept.</summary>
    Cancelled,
}
