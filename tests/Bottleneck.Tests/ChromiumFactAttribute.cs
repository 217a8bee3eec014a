namespace Bottleneck.Tests;

/// <summary>
/// A test that renders pages in headless Chromium. It runs when /usr/bin/chromium exists (Debian's
/// chromium package; .ci/run installs it) and is reported as skipped, never as passed, otherwise.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path)) Skip = "Chromium not found (apt-get install chromium)";
    }
}
