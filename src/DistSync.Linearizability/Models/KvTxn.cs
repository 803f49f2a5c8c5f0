namespace DistSync.Linearizability.Models;

/// <summary>
/// A transaction (docs/KV.md "Transactions"): when every compare holds (an empty list holds) the
/// <see cref="Success"/> operations run in order, else the <see cref="Failure"/> ones, all in one Raft entry.
/// </summary>
public sealed record KvTxn(IReadOnlyList<KvCompare> Compares, IReadOnlyList<KvTxnOp> Success, IReadOnlyList<KvTxnOp> Failure)
{
    public override string ToString() =>
        $"txn(if {(Compares.Count == 0 ? "true" : string.Join(" && ", Compares))} then [{string.Join(", ", Success)}] else [{string.Join(", ", Failure)}])";
}
