namespace Bottleneck;

/// <summary>
/// A setting with a value that cannot work (epochs 0, a negative learning rate, an unknown optimizer).
/// <see cref="Setting"/> is the setting's name as settings records, pipeline files and search spaces
/// spell it (<c>epochs</c>, <c>batch-size</c>, <c>weight-decay</c>); <see cref="Problem"/> says what is
/// wrong with its value. A front end can put the setting in its own words (a command-line flag, a
/// line of a file) before the problem.
/// </summary>
public sealed class SettingException(string setting, string problem) : ArgumentException($"{setting} {problem}")
{
    /// <summary>The setting at fault, as the user named it.</summary>
    public string Setting { get; } = setting;

    /// <summary>What is wrong, without the setting's name, e.g. "must be at least 1, got 0".</summary>
    public string Problem { get; } = problem;
}
