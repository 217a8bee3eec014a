using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Bottleneck.Data;
using Bottleneck.Search;

// Study A, 4 optimizers × 50 epochs, timed in-process, against PyTorch's peer script in the same run.
// The peer times its own loop in-process too (after importing torch), so both figures exclude start-up.
// usage: dotnet run -c Release --project bench/Bottleneck.Bench -- [threads] [repeats] [peer-script]
int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
int repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
string peer = args.Length > 2 ? args[2] : FindPeer();

var digits = Digits.Load();
var settings = new OptimizerStudySettings { Threads = threads };
// The first run pays for JIT compilation, as a one-off `bottleneck optimizers` does; later runs are steady state.
var cold = Stopwatch.StartNew();
OptimizerComparison.Run(settings, digits);
double first = cold.Elapsed.TotalSeconds;
var times = new List<double>();
OptimizerStudyResult? last = null;
for (int i = 0; i < repeats; i++)
{
    var clock = Stopwatch.StartNew();
    last = OptimizerComparison.Run(settings, digits);
    times.Add(clock.Elapsed.TotalSeconds);
}
times.Sort();
double ours = times[times.Count / 2];
Console.WriteLine($"bottleneck: {string.Join(", ", last!.Runs.Select(r => $"{r.Optimizer} {r.TestMse:0.0000}"))}");
Console.WriteLine($"study_a bottleneck wall_s={ours:0.0000} (median of {repeats} warm runs, threads={threads}); first run {first:0.0000} s");

double? theirs = RunPeer(peer, threads);
if (theirs is { } t)
    Console.WriteLine($"ratio: PyTorch / Bottleneck = {t / ours:0.0}x warm, {t / first:0.0}x on the first run");

static double? RunPeer(string script, int threads)
{
    if (!File.Exists(script) || !File.Exists("/usr/bin/python3"))
    {
        Console.WriteLine($"peer: skipped ({script} or /usr/bin/python3 missing; apt-get install -y python3-torch python3-sklearn)");
        return null;
    }
    var psi = new ProcessStartInfo("/usr/bin/python3", [script, threads.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, RedirectStandardError = true };
    using var process = Process.Start(psi)!;
    string output = process.StandardOutput.ReadToEnd();
    string error = process.StandardError.ReadToEnd();
    process.WaitForExit();
    var match = Regex.Match(output, @"wall_s=([0-9.]+)");
    if (process.ExitCode != 0 || !match.Success)
    {
        Console.WriteLine($"peer: failed (exit {process.ExitCode}): {error.Split('\n').LastOrDefault(l => l.Length > 0)}");
        return null;
    }
    Console.Write("pytorch:    " + output);
    return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
}

static string FindPeer()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "..", "shared", "peers", "torch_study_a.py");
        if (File.Exists(candidate)) return Path.GetFullPath(candidate);
    }
    return "../shared/peers/torch_study_a.py";
}
