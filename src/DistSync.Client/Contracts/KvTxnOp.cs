namespace DistSync.Client.Contracts;

/// <summary>
/// One operation of a <c>POST /kv/txn</c> branch: <c>{"op":"put","key","value","sessionId"?}</c>,
/// <c>{"op":"delete","key"}</c> or <c>{"op":"delete","prefix"}</c>, <c>{"op":"get","key"}</c>. Operations run in
/// order inside the one entry, so a get sees an earlier put of the same transaction.
/// </summary>
public sealed record KvTxnOp(string? Op, string? Key = null, string? Value = null, string? SessionId = null, string? Prefix = null);
