using Spectre.Console;
using Spectre.Console.Rendering;

namespace Bottleneck.Cli.Output;

/// <summary>A progress bar's time remaining, labelled ("0:12 left"; "done", or "stopped" for one ended early), so it is not mistaken for time elapsed.</summary>
public sealed class TimeLeftColumn : ProgressColumn
{
    protected override bool NoWrap => true;

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        if (task.IsFinished)
            return task.Value >= task.MaxValue ? new Text("done", new Style(Color.Green)) : new Text("stopped", new Style(Color.Yellow));
        return task.RemainingTime is { } left && left < TimeSpan.FromDays(30)
            ? new Text($"{ProgressText.TimeLeft(left)} left", new Style(Color.Blue))
            : new Text("estimating…", new Style(Color.Grey));
    }

    public override int? GetColumnWidth(RenderOptions options) => 14;
}
