namespace DistSync.Raft;

/// <summary>One client session as kept in (and snapshotted with) the replicated state.</summary>
public sealed record SessionRecord<TResult>(ulong ClientId, ulong LastSequence, TResult? LastResult, long LastActiveMs);
