namespace DistSync.Client.Contracts;

/// <summary>
/// Body of <c>POST /kv/txn</c>: when every <see cref="Compare"/> holds (an empty list always holds), the
/// <see cref="Success"/> operations run, else the <see cref="Failure"/> ones; all in one Raft entry.
/// </summary>
public sealed record KvTxnRequest(IReadOnlyList<KvCompare>? Compare, IReadOnlyList<KvTxnOp>? Success = null, IReadOnlyList<KvTxnOp>? Failure = null);
