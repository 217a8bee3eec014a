using System.Diagnostics;
using System.Globalization;
using Bottleneck.Search;

/// <summary>
/// The study store's own cost per trial, against Optuna's RDB storage on the same PostgreSQL server in the same run
/// (../shared/peers/optuna_storage.py): W worker processes share one study of N trivial trials, each cycle claiming a
/// trial, committing one fold and completing it (three transactions, as a real fold-per-trial study commits), and the
/// figures are trials/s over the whole wall time, p50 and p99 of one cycle, and trials claimed twice.
/// </summary>
static class StoreBench
{
    public static int Run(string url, int[] workerCounts, int[] trialCounts, string peerUrl)
    {
        var storage = StudyStorage.Parse(url);
        foreach (int trials in trialCounts)
            foreach (int workers in workerCounts)
            {
                var ours = Ours(storage, workers, trials);
                Console.WriteLine($"bottleneck_store workers={workers} trials={ours.Trials} wall_s={ours.Wall:0.00} trials_per_s={ours.Trials / ours.Wall:0.0} " +
                                  $"p50_ms={ours.P50:0.0} p99_ms={ours.P99:0.0} duplicates={ours.Duplicates}");
                if (peerUrl == "-") continue; // ours alone (e.g. the flatness run at 50,000 trials, which would take Optuna an hour)
                var peer = Peer.Run("optuna_storage.py", [peerUrl, workers.ToString(CultureInfo.InvariantCulture), trials.ToString(CultureInfo.InvariantCulture)]);
                if (peer is null) continue;
                Console.Write(peer);
                double theirs = Peer.Number(peer, @"trials_per_s=([0-9.]+)");
                double theirP99 = Peer.Number(peer, @"p99_ms=([0-9.]+)");
                Console.WriteLine($"ratio: Bottleneck / Optuna = {ours.Trials / ours.Wall / theirs:0.0}x trials/s; p99 {ours.P99:0.0} ms vs {theirP99:0.0} ms");
            }
        return 0;
    }

    private sealed record Figures(int Trials, double Wall, double P50, double P99, int Duplicates);

    private static Figures Ours(StudyStorage storage, int workers, int trials)
    {
        string study = $"bench-{Guid.NewGuid():N}"[..14];
        using (var store = storage.Open(study))
        {
            store.Open($$"""{"bench":"{{study}}"}""");
            store.AddTrials([.. Enumerable.Range(0, trials).Select(i => $$"""{"trial":{{i}}}""")]);
        }
        string folder = Directory.CreateTempSubdirectory("bottleneck-store-bench-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var processes = Enumerable.Range(0, workers).Select(w => Process.Start(new ProcessStartInfo(Environment.ProcessPath!,
                ["store-worker", storage.Postgres is null ? storage.Display : Unredacted(storage), study, Path.Combine(folder, $"w{w}.txt")])
                { UseShellExecute = false })!).ToList();
            foreach (var p in processes)
            {
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException($"a store worker failed (exit {p.ExitCode})");
            }
            double wall = clock.Elapsed.TotalSeconds;
            var rows = Directory.EnumerateFiles(folder).SelectMany(File.ReadLines).Select(l => l.Split(' ')).ToList();
            var latencies = rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).Order().ToList();
            int duplicates = rows.Count - rows.Select(r => r[0]).Distinct().Count();
            return new Figures(rows.Count, wall, latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], duplicates);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The bench hands its own workers the URL with the password (on their command line, on this machine only).
    private static string Unredacted(StudyStorage storage)
    {
        var b = storage.Postgres!;
        string user = Uri.EscapeDataString(b.Username ?? "") + (b.Password is { } pw ? ":" + Uri.EscapeDataString(pw) : "");
        return $"postgresql://{user}@{b.Host}:{b.Port}/{Uri.EscapeDataString(b.Database!)}";
    }

    /// <summary>One worker process: claims, commits a fold and completes trials until none is left; writes "key ms" per trial.</summary>
    public static int Worker(string url, string study, string output)
    {
        using var store = StudyStorage.Parse(url).Open(study);
        string worker = WorkerId.ForThisProcess();
        store.Heartbeat(worker);
        var lines = new List<string>();
        var clock = new Stopwatch();
        while (true)
        {
            clock.Restart();
            if (store.ClaimNext(worker) is not { } claim) break;
            store.SaveStage(claim.Key, "fold0", """{"status":"completed","epochs":[]}""", claim, worker);
            store.Complete(claim.Key, """{"score":0}""", claim, worker);
            lines.Add($"{claim.Key.Replace(" ", "", StringComparison.Ordinal)} {clock.Elapsed.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture)}");
        }
        File.WriteAllLines(output, lines);
        return 0;
    }
}
