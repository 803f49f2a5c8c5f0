namespace DistSync.Linearizability.Models;

/// <summary>The answer of a transaction: which branch ran, the entry's index, one result per operation of that branch.</summary>
public sealed record KvTxnResult(bool Succeeded, long Version, IReadOnlyList<KvTxnOpResult> Results)
{
    public override string ToString() =>
        $"{(Succeeded ? "succeeded" : "failed")} v{Version} [{string.Join(", ", Results)}]";
}
