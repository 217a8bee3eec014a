using Bottleneck.Search;

namespace Bottleneck.Tests.Search;

/// <summary>A study store that passes every call to <paramref name="inner"/>: tests override the calls they watch or break.</summary>
internal abstract class DelegatingStore(IStudyStore inner) : IStudyStore
{
    public virtual void Open(string definitionJson, string? fingerprint = null) => inner.Open(definitionJson, fingerprint);
    public string? Definition => inner.Definition;
    public IReadOnlyList<string> Invocations() => inner.Invocations();
    public void AddInvocation(string json) => inner.AddInvocation(json);
    public string Name => inner.Name;
    public virtual void AddTrials(IReadOnlyList<string> keys) => inner.AddTrials(keys);
    public virtual Claim? ClaimNext(string worker) => inner.ClaimNext(worker);
    public void Heartbeat(string worker) => inner.Heartbeat(worker);
    public virtual void SaveStage(string key, string stage, string json, Claim? claim = null, string? worker = null) => inner.SaveStage(key, stage, json, claim, worker);
    public IReadOnlyDictionary<string, string> Stages(string key) => inner.Stages(key);
    public virtual void Complete(string key, string resultJson, Claim? claim = null, string? worker = null) => inner.Complete(key, resultJson, claim, worker);
    public void Release(Claim claim, string worker) => inner.Release(claim, worker);
    public int Fail(Claim claim, string worker, string error, int maxRetries, string failedResultJson) => inner.Fail(claim, worker, error, maxRetries, failedResultJson);
    public virtual void Promote(string key, string decisionJson) => inner.Promote(key, decisionJson);
    public IReadOnlyList<string> Promotions() => inner.Promotions();
    public void AddIdle(string worker, double seconds) => inner.AddIdle(worker, seconds);
    public IReadOnlyDictionary<string, double> IdleSeconds() => inner.IdleSeconds();
    public virtual IReadOnlyList<StoredTrial> Trials() => inner.Trials();
    public TimeSpan Grace => inner.Grace;
    public IReadOnlyList<string> LiveWorkers() => inner.LiveWorkers();
    public void Dispose() => inner.Dispose();
}
