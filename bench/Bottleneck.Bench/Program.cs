using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Search;
using Bottleneck.Training;

// Side-by-side benchmarks against the PyTorch peers in ../shared/peers, ours and theirs in one run.
//   dotnet run -c Release --project bench/Bottleneck.Bench -- study-a [threads] [repeats]
//   dotnet run -c Release --project bench/Bottleneck.Bench -- lab-epoch [threads] [epochs] [rounds]   (the published `bottleneck train`, against TorchSharp and PyTorch 1.13)
//   dotnet run -c Release --project bench/Bottleneck.Bench -- tsne [threads] [n,…] [auto|exact|barnes-hut|fft]
//   dotnet run -c Release --project bench/Bottleneck.Bench -- npy      (60,000 × 784 uint8 as .npy/.npz, against np.load)
//   dotnet run -c Release --project bench/Bottleneck.Bench -- images [threads] [n]   (an image folder of n 28×28 PNGs, against PIL)
// The peers time their own loops in-process (after importing torch), so no figure includes start-up.
//   dotnet run -c Release --project bench/Bottleneck.Bench -- store URL [workers,…] [trials,…] [peer URL]   (the study store against Optuna's
//     storage; give Optuna its own database on the same server when the user is named bottleneck, whose search_path finds our schema first)
string which = args.Length > 0 ? args[0] : "study-a";
if (which == "store" && args.Length > 1)
    return StoreBench.Run(args[1], Ints(args.Length > 2 ? args[2] : "2,8"), Ints(args.Length > 3 ? args[3] : "1000"), args.Length > 4 ? args[4] : args[1]);
if (which == "store-worker" && args.Length == 4) return StoreBench.Worker(args[1], args[2], args[3]);
int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
return which switch
{
    "study-a" => StudyA(threads, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5),
    "lab-epoch" => LabEpoch(threads, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1),
    "tsne" => TsneBench(threads, args.Length > 2 ? Ints(args[2]) : [2000], args.Length > 3 ? EmbedSettings.ParseTsneMethod(args[3]) : TsneMethod.Auto),
    "npy" => NpyBench(),
    "images" => ImagesBench(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10000),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Bottleneck.Bench study-a [threads] [repeats] | lab-epoch [threads] [epochs] [rounds] | tsne [threads] [n,…] [method] | npy | images [threads] [n] " +
                            "| store URL [workers,…] [trials,…]");
    return 2;
}

static int[] Ints(string list) => [.. list.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))];

// Study A, 4 optimizers × 50 epochs, timed in-process, against TorchSharp (libtorch 2.10) and PyTorch 1.13, each timing its own loop.
static int StudyA(int threads, int repeats)
{
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

    var sharp = Measured.Run("bash", [Peer.Find("torchsharp/run.sh"), "study-a", threads.ToString(CultureInfo.InvariantCulture)]);
    if (sharp.ExitCode == 0)
    {
        Console.Write("torchsharp: " + sharp.Output);
        double theirs = Peer.Number(sharp.Output, @"wall_s=([0-9.]+)");
        Console.WriteLine($"ratio: TorchSharp / Bottleneck = {theirs / ours:0.0}x warm, {theirs / first:0.0}x on the first run");
    }
    else Console.WriteLine($"torchsharp: skipped (exit {sharp.ExitCode}: {sharp.LastError})");
    var peer = Peer.Run("torch_study_a.py", [threads.ToString(CultureInfo.InvariantCulture)]);
    if (peer is null) return 0;
    Console.Write("pytorch:    " + peer);
    double torch = Peer.Number(peer, @"wall_s=([0-9.]+)");
    Console.WriteLine($"ratio: PyTorch / Bottleneck = {torch / ours:0.0}x warm, {torch / first:0.0}x on the first run");
    return 0;
}

// Study B's lab model on Fashion-MNIST (Adam, lr 1e-3, weight decay 1e-5) as users run it: the published `bottleneck train`
// process, whose results.json gives each epoch's training time, at batch 32, 64 and 256 on 1 and 2 threads; the 2-thread,
// batch-256 run again with --profile for the achieved GFLOP/s. Then the peers at batch 256 (their scripts fix it):
// TorchSharp (libtorch 2.10) on 1 and 2 threads and PyTorch 1.13 on the thread count given. Peak memory (VmHWM) of
// every process. "Steady" is the best epoch after the first. With rounds > 1, ours and TorchSharp at the headline setting
// (the threads given, batch 256) then run again, one after the other, rounds − 1 more times: on a shared machine a
// neighbour's load can land on either side of one pair, so each round's ratio is printed and their median and range.
static int LabEpoch(int threads, int epochs, int rounds)
{
    string? exe = Published.Bottleneck();
    if (exe is null)
    {
        Console.Error.WriteLine("lab-epoch measures the published command: run `dotnet publish src/Bottleneck.Cli -c Release --ucr -o bin/bottleneck` first");
        return 1;
    }
    if (Published.Stale(exe) is { } stale)
    {
        Console.Error.WriteLine($"lab-epoch measures the published command, and {stale} (`dotnet publish src/Bottleneck.Cli -c Release --ucr -o bin/bottleneck`)");
        return 1;
    }
    string dir = Directory.CreateTempSubdirectory("bottleneck-bench-lab-").FullName;
    try
    {
        Console.WriteLine($"bottleneck train ({exe}), {epochs} epochs each:");
        (double First, double Steady)? headline = null;
        foreach (int t in new[] { 1, 2 })
            foreach (int batch in new[] { 32, 64, 256 })
            {
                var (run, first, steady, mse) = Ours(t, batch, Path.Combine(dir, $"t{t}-b{batch}"));
                if (run.ExitCode != 0) { Console.WriteLine($"  threads {t} batch {batch}: failed (exit {run.ExitCode}): {run.LastError}"); return 1; }
                Console.WriteLine($"  threads {t} batch {batch,3}: first epoch {first,7:N0} images/s, steady {steady,7:N0} images/s, test MSE {mse:0.00000}, peak memory {run.PeakMb:0} MB");
                if (t == threads && batch == 256) headline = (first, steady);
            }
        string profiled = Path.Combine(dir, "profile");
        var profile = Measured.Run(exe, ["train", "--dataset", "fashion-mnist", "--model", "lab", "--epochs", "1", "--threads", threads.ToString(CultureInfo.InvariantCulture),
                                         "--weight-decay", "1e-5", "--profile", "--out", profiled]);
        if (profile.ExitCode == 0)
        {
            var p = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(profiled, "results.json")))!["profile"]!;
            double gflop = p["layers"]!.AsArray().Sum(l => (double)l!["forward_gflop"]! + (double)l["weight_gradient_gflop"]! + (double)l["input_gradient_gflop"]!);
            double seconds = (double)p["train_seconds"]!, peak = (double)p["peak_gflops"]!;
            Console.WriteLine($"  profile (threads {threads}, batch 256, 1 epoch): {gflop / seconds:0.0} GFLOP/s of a measured peak of {peak:0.0} ({gflop / seconds / peak:P1})");
        }

        (double First, double Steady)? sharp = null;
        foreach (int t in new[] { 1, 2 })
        {
            var (peer, rates) = Sharp(t);
            if (peer.ExitCode != 0) { Console.WriteLine($"torchsharp: skipped (exit {peer.ExitCode}: {peer.LastError})"); break; }
            Console.WriteLine($"torchsharp (libtorch 2.10) threads {t} batch 256: first epoch {rates.First,7:N0} images/s, steady {rates.Steady,7:N0} images/s, peak memory {peer.PeakMb:0} MB");
            if (t == threads) sharp = rates;
        }
        var torch = Measured.Run("/usr/bin/python3", [Peer.Find("torch_study_b.py"), "/usr/share/datasets/fashion-mnist", threads.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture)]);
        (double First, double Steady)? old = null;
        if (torch.ExitCode == 0)
        {
            var rates = PeerRates(torch.Output);
            old = (rates[0], rates.Skip(1).DefaultIfEmpty(rates[0]).Max());
            Console.WriteLine($"pytorch 1.13 threads {threads} batch 256: first epoch {old.Value.First,7:N0} images/s, steady {old.Value.Steady,7:N0} images/s, peak memory {torch.PeakMb:0} MB");
        }
        else Console.WriteLine($"pytorch 1.13: skipped (exit {torch.ExitCode}: {torch.LastError})");
        if (headline is { } ours)
        {
            if (sharp is { } s) Console.WriteLine($"ratio ours / torchsharp, threads {threads}, batch 256: first epoch {ours.First / s.First:0.00}x, steady {ours.Steady / s.Steady:0.00}x");
            if (old is { } o) Console.WriteLine($"ratio ours / pytorch 1.13, threads {threads}, batch 256: first epoch {ours.First / o.First:0.00}x, steady {ours.Steady / o.Steady:0.00}x");
            if (sharp is { } peerFirst && rounds > 1) Rounds(ours, peerFirst);
        }
        return 0;
    }
    finally
    {
        Directory.Delete(dir, recursive: true);
    }

    // Rounds 2 … rounds of the headline pair, ours then TorchSharp; round 1 is the grid's.
    void Rounds((double First, double Steady) ours, (double First, double Steady) peer)
    {
        var ratios = new List<(double First, double Steady)> { (ours.First / peer.First, ours.Steady / peer.Steady) };
        for (int r = 2; r <= rounds; r++)
        {
            var (run, first, steady, _) = Ours(threads, 256, Path.Combine(dir, $"round{r}"));
            var (peerRun, rates) = Sharp(threads);
            if (run.ExitCode != 0 || peerRun.ExitCode != 0) { Console.WriteLine($"round {r}: failed ({(run.ExitCode != 0 ? run.LastError : peerRun.LastError)})"); return; }
            ratios.Add((first / rates.First, steady / rates.Steady));
            Console.WriteLine($"round {r}, threads {threads}, batch 256: ours first {first,7:N0} steady {steady,7:N0} images/s; torchsharp first {rates.First,7:N0} steady {rates.Steady,7:N0}; " +
                              $"ratio first {ratios[^1].First:0.00}x, steady {ratios[^1].Steady:0.00}x");
        }
        Console.WriteLine($"ratio ours / torchsharp over {ratios.Count} rounds: steady median {Summary(ratios.Select(x => x.Steady), 3)}, first median {Summary(ratios.Select(x => x.First), 2)}");
    }

    // The median, the range, and how many rounds reach the issue's goal (3× steady, 2× in the first epoch).
    static string Summary(IEnumerable<double> values, double goal)
    {
        var sorted = values.Order().ToList();
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return $"{median:0.00}x ({sorted[0]:0.00}x–{sorted[^1]:0.00}x, {sorted.Count(x => x >= goal)} of {sorted.Count} at {goal}x or more)";
    }

    // The published command at t threads and this batch size, into output; each epoch's rate from its results.json.
    (Measured.Result Run, double First, double Steady, double TestMse) Ours(int t, int batch, string output)
    {
        var run = Measured.Run(exe, ["train", "--dataset", "fashion-mnist", "--model", "lab", "--epochs", epochs.ToString(CultureInfo.InvariantCulture),
                                     "--threads", t.ToString(CultureInfo.InvariantCulture), "--batch-size", batch.ToString(CultureInfo.InvariantCulture),
                                     "--weight-decay", "1e-5", "--out", output]);
        if (run.ExitCode != 0) return (run, 0, 0, 0);
        var (first, steady, mse) = Epochs(output);
        return (run, first, steady, mse);
    }

    // TorchSharp's lab run at t threads (batch 256): its first and best later epoch.
    (Measured.Result Run, (double First, double Steady) Rates) Sharp(int t)
    {
        var peer = Measured.Run("bash", [Peer.Find("torchsharp/run.sh"), "lab", "/usr/share/datasets/fashion-mnist", t.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture)]);
        if (peer.ExitCode != 0) return (peer, (0, 0));
        var rates = PeerRates(peer.Output);
        return (peer, (rates[0], rates.Skip(1).DefaultIfEmpty(rates[0]).Max()));
    }

    static (double First, double Steady, double TestMse) Epochs(string output)
    {
        var results = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!;
        int samples = (int)results["settings"]!["train_samples"]!;
        var rates = results["epochs"]!.AsArray().Select(e => samples / (double)e!["train_seconds"]!).ToList();
        return (rates[0], rates.Skip(1).DefaultIfEmpty(rates[0]).Max(), (double)results["test_mse"]!);
    }

    static List<double> PeerRates(string output) =>
        [.. Regex.Matches(output, @"samples_per_s=([0-9.]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
}

// t-SNE of n × 20-D points (PCA-20 of the first n Fashion-MNIST images, test then training set, standing in for codes),
// for each n given: the peer computes them, embeds them with scikit-learn and saves them; ours embeds the same file
// (first run in the process, JIT included), then once more split into stages. Ends with the time-versus-n slopes.
static int TsneBench(int threads, int[] sizes, TsneMethod method)
{
    var rows = new List<(int N, double Ours, double Theirs)>();
    foreach (int n in sizes)
    {
        string points = Path.Combine(Path.GetTempPath(), $"bottleneck-tsne-{n}-{Environment.ProcessId}.csv");
        try
        {
            var peer = Peer.Run("sklearn_tsne.py", ["/usr/share/datasets/fashion-mnist", n.ToString(CultureInfo.InvariantCulture), "--save", points]);
            if (peer is null) return 0;
            var x = CsvDataset.Load(points).Features;
            var settings = new TsneSettings { Threads = threads, Method = method };
            var clock = Stopwatch.StartNew();
            var ours = Tsne.Fit(x, settings);
            double seconds = clock.Elapsed.TotalSeconds;
            var profile = new TsneProfile();
            Tsne.Profile = profile;
            var warm = Stopwatch.StartNew();
            Tsne.Fit(x, settings);
            Tsne.Profile = null;
            Console.WriteLine($"bottleneck stages (warm run, {warm.Elapsed.TotalSeconds:0.00} s): {profile}");
            Console.WriteLine($"bottleneck: tsne n={x.Rows} wall_s={seconds:0.00} kl={ours.KlDivergence:0.0000} ({ours.Method}, threads={threads}, first run, JIT included)");
            Console.Write("sklearn:    " + peer);
            double theirs = Peer.Number(peer, @"wall_s=([0-9.]+)"), theirKl = Peer.Number(peer, @"kl=([0-9.]+)");
            double relative = 100 * (ours.KlDivergence / theirKl - 1);
            Console.WriteLine($"ratio: sklearn / Bottleneck = {theirs / seconds:0.0}x wall; KL {(relative < 0 ? "-" : "+")}{Math.Abs(relative):0.00}% vs sklearn's");
            rows.Add((n, seconds, theirs));
        }
        finally
        {
            File.Delete(points);
        }
    }
    for (int k = 1; k < rows.Count; k++)
    {
        double span = Math.Log(rows[k].N / (double)rows[k - 1].N);
        Console.WriteLine($"log-log slope of time against n, {rows[k - 1].N:N0} → {rows[k].N:N0}: ours {Math.Log(rows[k].Ours / rows[k - 1].Ours) / span:0.00}, " +
                          $"sklearn {Math.Log(rows[k].Theirs / rows[k - 1].Theirs) / span:0.00}");
    }
    return 0;
}

// Reading a Fashion-MNIST-sized uint8 array from .npy, stored .npz and deflated .npz, against numpy's np.load on the
// same files (numpy keeps uint8; ours is the float32 dataset a run trains on, so numpy's load + astype is shown too).
static int NpyBench()
{
    string dir = Directory.CreateTempSubdirectory("bottleneck-bench-npy-").FullName;
    try
    {
        var peer = Peer.Run(Path.Combine(AppContext.BaseDirectory, "peers", "numpy_load.py"), [dir]);
        if (peer is null) return 1;
        static double Median(Action load)
        {
            var times = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                var clock = Stopwatch.StartNew();
                load();
                times.Add(clock.Elapsed.TotalSeconds);
            }
            times.Sort();
            return times[2];
        }
        NumpyDataset.Load("npy:" + Path.Combine(dir, "x.npy"));
        double npy = Median(() => NumpyDataset.Load("npy:" + Path.Combine(dir, "x.npy")));
        double npz = Median(() => NumpyDataset.Load("npz:" + Path.Combine(dir, "x.npz")));
        double npzc = Median(() => NumpyDataset.Load("npz:" + Path.Combine(dir, "xc.npz")));
        Console.Write("numpy:      " + peer);
        Console.WriteLine($"bottleneck: npy_s={npy:0.0000} npz_s={npz:0.0000} npzc_s={npzc:0.0000} (to float32 in [0, 1], median of 5)");
        Console.WriteLine($"ratio np.load / ours: .npy {Peer.Number(peer, "npy_s=([0-9.]+)") / npy:0.00}x (with astype {Peer.Number(peer, "npy_float_s=([0-9.]+)") / npy:0.00}x), " +
                          $"stored .npz {Peer.Number(peer, "npz_s=([0-9.]+)") / npz:0.00}x, deflated .npz {Peer.Number(peer, "npzc_s=([0-9.]+)") / npzc:0.00}x");
        return 0;
    }
    finally
    {
        Directory.Delete(dir, recursive: true);
    }
}

// Loading an ImageFolder tree of n gray 28×28 PNGs in 10 classes (Fashion-MNIST's test images when installed, so the
// files compress as real ones do), ours (decoded in parallel on the machine's cores) against PIL in one process.
static int ImagesBench(int n)
{
    string dir = Directory.CreateTempSubdirectory("bottleneck-bench-images-").FullName;
    try
    {
        var source = DatasetCatalog.LoadParts("fashion-mnist", allowDownload: false).Test ?? throw new InvalidOperationException("no test split");
        for (int i = 0; i < n; i++)
        {
            string folder = Directory.CreateDirectory(Path.Combine(dir, $"class{source.Labels![i % source.Count]}")).FullName;
            using var bitmap = new SkiaSharp.SKBitmap(28, 28, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque);
            var pixels = source.Features.Row(i % source.Count);
            var bytes = new byte[784];
            for (int p = 0; p < 784; p++) bytes[p] = (byte)Math.Round(pixels[p] * 255);
            System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), 784);
            using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"{i:D6}.png"), png.ToArray());
        }
        var clock = Stopwatch.StartNew();
        var loaded = ImageFolder.Load("images:" + dir);
        double first = clock.Elapsed.TotalSeconds;
        clock.Restart();
        ImageFolder.Load("images:" + dir);
        double second = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"bottleneck: images={loaded.Train.Count} first {first:0.000} s ({loaded.Train.Count / first:0} images/s), again {second:0.000} s ({loaded.Train.Count / second:0} images/s), {Environment.ProcessorCount} cores");
        var peer = Peer.Run(Path.Combine(AppContext.BaseDirectory, "peers", "pil_folder.py"), [dir]);
        if (peer is null) return 0;
        Console.Write("pil:        " + peer);
        Console.WriteLine($"ratio: ours / PIL = {loaded.Train.Count / second / Peer.Number(peer, "images_per_s=([0-9.]+)"):0.0}x (images/s, second load)");
        return 0;
    }
    finally
    {
        Directory.Delete(dir, recursive: true);
    }
}

static class Peer
{
    public static string? Run(string script, string[] arguments)
    {
        string path = Path.IsPathRooted(script) ? script : Find(script);
        if (!File.Exists(path) || !File.Exists("/usr/bin/python3"))
        {
            Console.WriteLine($"peer: skipped ({path} or /usr/bin/python3 missing; apt-get install -y python3-torch python3-sklearn dataset-fashion-mnist)");
            return null;
        }
        var run = Measured.Run("/usr/bin/python3", [path, .. arguments]);
        if (run.ExitCode == 0) return run.Output;
        Console.WriteLine($"peer: failed (exit {run.ExitCode}): {run.LastError}");
        return null;
    }

    public static double Number(string text, string pattern) =>
        double.Parse(Regex.Match(text, pattern).Groups[1].Value, CultureInfo.InvariantCulture);

    public static string Find(string script)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "peers", script);
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return Path.Combine("..", "shared", "peers", script);
    }
}
