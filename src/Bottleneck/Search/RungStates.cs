using System.Text;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>
/// Where asha keeps each fold's training state at the end of a rung, so that a trial promoted to the next rung goes on from
/// it instead of training those epochs again: one safetensors file per trial, fold and rung, in a folder of the run directory.
/// It is only a cache: a rung continued from its state and one trained from scratch give the same bits (a resumed run is
/// exact, and every rung of a trial trains with the seeds and the horizon of its full budget), so a state that is missing
/// (another machine's worker, a folder deleted), damaged, or not of this trial is ignored and the fold trains from scratch.
/// </summary>
internal sealed class RungStates(string directory)
{
    private const string TrialKey = "trial", FoldKey = "fold";

    /// <summary>The folder the states are in.</summary>
    public string Directory => directory;

    /// <summary>
    /// The state of <paramref name="trial"/>'s <paramref name="fold"/> after <paramref name="epochs"/> epochs, trained with
    /// <paramref name="settings"/> (its horizon) and the architecture <paramref name="spec"/>; null when there is none that can be
    /// gone on from (a damaged or foreign file is deleted).
    /// </summary>
    public TrainingState? Load(TrialParams trial, string fold, int epochs, TrainSettings settings, ModelSpec spec)
    {
        string path = PathOf(trial, fold, epochs);
        if (!File.Exists(path)) return null;
        try
        {
            var (state, metadata) = TrainingStateFile.Load(path);
            bool ours = metadata.GetValueOrDefault(TrialKey) == trial.Key && metadata.GetValueOrDefault(FoldKey) == fold
                        && state.PlannedEpochs == (settings.Horizon ?? settings.Epochs) && state.Epoch <= epochs
                        && state.Spec.ToJson().ToJsonString() == spec.ToJson().ToJsonString();
            if (ours) return state;
        }
        catch (DataFormatException)
        {
            // A state cut short by a full disk cannot be (the file is renamed into place whole); one damaged by hand is retrained.
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Another worker on this machine went on from it first (it ran the same job) and dropped it.
            return null;
        }
        Forget(path);
        return null;
    }

    /// <summary>Keeps <paramref name="state"/>, the end of <paramref name="trial"/>'s <paramref name="fold"/> at <paramref name="epochs"/> epochs.</summary>
    public void Save(TrialParams trial, string fold, int epochs, TrainingState state)
    {
        string path = PathOf(trial, fold, epochs);
        var metadata = new Dictionary<string, string> { [TrialKey] = trial.Key, [FoldKey] = fold };
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            TrainingStateFile.Save(path, state, metadata);
        }
        catch (DirectoryNotFoundException)
        {
            // Another worker on this machine cleared the folder between making it and writing (it finished the study's last
            // job): make it again. A state is a cache, so this write is worth one more try, not an error.
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            TrainingStateFile.Save(path, state, metadata);
        }
    }

    /// <summary>Forgets the state at <paramref name="epochs"/>, once the rung above has gone on from it.</summary>
    public void Drop(TrialParams trial, string fold, int epochs) => Forget(PathOf(trial, fold, epochs));

    /// <summary>Deletes every state: the study is finished and no rung will be continued.</summary>
    public void Clear()
    {
        try
        {
            if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Another worker here cleared it first.
        }
    }

    // Gone already is as good: the folder may have been cleared by hand while the study ran (File.Delete throws for a missing
    // folder on Windows, not on Linux).
    private static void Forget(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    // A trial's parameters can be long and hold any character: its folder is named by their hash, and the file says whose it is.
    private string PathOf(TrialParams trial, string fold, int epochs)
    {
        string name = Checksums.Sha256(Encoding.UTF8.GetBytes(trial.Key))[..16];
        return Path.Combine(directory, name, $"{fold}.e{epochs}.safetensors");
    }
}
