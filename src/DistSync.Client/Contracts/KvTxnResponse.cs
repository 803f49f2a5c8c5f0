namespace DistSync.Client.Contracts;

/// <summary>Answer of <c>POST /kv/txn</c>: whether the compares held, the entry's index, and each operation's result.</summary>
public sealed record KvTxnResponse(bool Succeeded, long Version, IReadOnlyList<KvTxnOpResult> Results);
