using System.CommandLine;
using Bottleneck.Cli.Output;
using Bottleneck.Data;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// <c>bottleneck datasets</c>: where each dataset was found, or every place looked at and why it
/// was not used; <c>bottleneck datasets fetch NAME</c>: downloads a dataset that is missing.
/// </summary>
public static class DatasetsCommand
{
    public static Command Create()
    {
        var dataDir = DataDir("Also look in DIR and DIR/NAME, before $BOTTLENECK_DATA, the user cache and /usr/share/datasets");
        var command = new Command("datasets", "List the datasets, where each was found (or why not), and fetch missing ones") { dataDir, Fetch() };
        command.SetAction(parsed =>
        {
            List(DatasetPlaces.FromEnvironment(parsed.GetValue(dataDir)));
            return Cli.Success;
        });
        return command;
    }

    private static Command Fetch()
    {
        var name = new Argument<string>("name") { Description = string.Join(", ", MnistFamily.All.Select(d => d.Name)) };
        var dataDir = DataDir("Fetch into DIR/NAME instead of the user cache (nothing is fetched if DIR or DIR/NAME holds the dataset)");
        var command = new Command("fetch", $"Download a dataset into the user cache, checking SHA-256 (mirrors can be replaced with ${Downloader.MirrorVariable})") { name, dataDir };
        command.SetAction(parsed => Fetch(parsed.GetValue(name)!, parsed.GetValue(dataDir)));
        return command;
    }

    private static Option<string?> DataDir(string description) => new("--data-dir") { Description = description };

    private static void List(DatasetPlaces places)
    {
        var digits = Digits.Load();
        Console.WriteLine($"{"digits",-14} 8×8 handwritten digits (UCI), embedded in the library");
        Console.WriteLine($"  {digits.Count:N0} images {Shape(digits.ImageShape!)}, labels 0..9");
        foreach (var dataset in MnistFamily.All)
        {
            var search = DatasetSearch.Search(dataset, places);
            Console.WriteLine();
            Console.WriteLine($"{dataset.Name,-14} {dataset.Title}");
            Console.WriteLine(search.Found is { } found
                ? $"  found in {found.Place.Directory}: {Describe(found)}"
                : $"  not found; {Cli.HowToGet(dataset)}");
            foreach (var report in search.Looked)
                Console.WriteLine($"    {Origin(report.Place.Origin),-16} {report.Place.Directory}: {report.Reason}");
        }
    }

    private static int Fetch(string name, string? dataDir)
    {
        if (name == "digits")
        {
            Console.WriteLine("digits is embedded in the library; there is nothing to fetch");
            return Cli.Success;
        }
        var dataset = MnistFamily.Find(name)
            ?? throw new UsageException($"unknown dataset '{name}' (expected {string.Join(", ", MnistFamily.All.Select(d => d.Name))})");
        dataset = Downloader.WithMirrorOverride(dataset);

        // With --data-dir the user says where the data should live, so only that folder counts as "present".
        var places = DatasetPlaces.FromEnvironment(dataDir);
        var candidates = places.For(name).Where(p => dataDir is null || p.Origin == PlaceOrigin.Given);
        if (DatasetSearch.Search(dataset, candidates).Found is { } present)
        {
            Console.WriteLine($"{name} is already present in {present.Place.Directory}: {Describe(present)}");
            return Cli.Success;
        }

        string target = dataDir is null ? places.CacheFor(name) : Path.Combine(dataDir, name);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var downloader = new Downloader();
            using var display = new DownloadDisplay();
            downloader.FetchAsync(dataset, target, display.Report, cancel.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"error: interrupted; files not yet complete were removed from {target}");
            return Cli.Failed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        var check = DatasetSearch.Search(dataset, [new DatasetPlace(target, dataDir is null ? PlaceOrigin.Cache : PlaceOrigin.Given)]);
        var fetched = check.Found ?? throw new DatasetNotFoundException(check, "the downloaded files do not form a usable dataset");
        Console.WriteLine($"fetched {name} into {target}: {Describe(fetched)}");
        return Cli.Success;
    }

    private static string Describe(FoundDataset found) =>
        $"{found.TrainCount:N0} train + {found.TestCount:N0} test images {Shape(found.ImageShape)}, {found.BytesOnDisk / 1e6:0.0} MB"
        + (found.Unverified.Count > 0 ? $" ({found.Unverified.Count} file(s) not checksum-verified: no published checksum of their uncompressed form)" : "");

    private static string Shape(int[] shape) => string.Join("×", shape);

    /// <summary>Why a place is looked in, as a user would say it.</summary>
    public static string Origin(PlaceOrigin origin) => origin switch
    {
        PlaceOrigin.Given => "--data-dir",
        PlaceOrigin.Environment => "$" + DatasetPlaces.DataVariable,
        PlaceOrigin.Cache => "user cache",
        _ => "system",
    };
}
