namespace DistSync.Raft;

/// <summary>
/// Everything a <see cref="RaftNode"/> asks its host to do, as one batch. ORDERING RULE (safety depends on it):
/// <list type="number">
/// <item><see cref="Messages"/> may be sent at once, before or while persisting (the leader's appends and
/// heartbeats: the leader writes its own entries in parallel with replicating them; it counts itself towards a
/// commit only after <see cref="RaftNode.Advance"/>).</item>
/// <item>Persist, durably: <see cref="SnapshotChunks"/> (each with <see cref="IRaftStorage.WriteSnapshotChunk"/>), then
/// <see cref="Snapshot"/> (install it, then restore the state machine from it), then
/// <see cref="Entries"/> (an entry replaces any stored entry at the same index and everything after it), then
/// <see cref="HardState"/>. A hard state that differs from the previous one only in its commit index (and comes with no
/// entries, snapshot or chunks) may be written lazily instead: the commit index is volatile state.</item>
/// <item>Only then send <see cref="MessagesAfterPersist"/>: votes and acknowledgements promise that the
/// state above is on disk.</item>
/// <item>Apply <see cref="CommittedEntries"/> in order (they may include entries of this same batch, which are
/// durable by now); answer the reads in <see cref="ReadStates"/> once their index is applied.</item>
/// <item>Call <see cref="RaftNode.Advance"/>; only then is the next Ready handed out.</item>
/// </list>
/// Input (ticks, peer messages, proposals, reads) may reach the node while a Ready is outstanding, as in etcd: what
/// it produces waits for the next Ready, except <see cref="RaftNode.TakeMessages"/>, which the host may send at once
/// (so a disk write delays neither heartbeats nor replication). Advance then settles only what this Ready held:
/// entries overwritten meanwhile are not marked stable.
/// </summary>
public sealed class Ready
{
    internal static readonly IReadOnlyList<Entry> NoEntries = Array.Empty<Entry>();
    internal static readonly IReadOnlyList<Message> NoMessages = Array.Empty<Message>();
    internal static readonly IReadOnlyList<ReadState> NoReadStates = Array.Empty<ReadState>();
    internal static readonly IReadOnlyList<SnapshotChunk> NoChunks = Array.Empty<SnapshotChunk>();

    /// <summary>Volatile state at the time of the batch, for the host's bookkeeping (who to redirect clients to).</summary>
    public RaftRole Role { get; internal init; }
    public ulong Lead { get; internal init; }

    /// <summary>Term, vote and commit to persist; null when unchanged since the previous batch.</summary>
    public HardState? HardState { get; internal init; }

    /// <summary>Chunks of a snapshot being received from the leader, to store first (the node acknowledges them to the
    /// leader only once stored, and assembles the snapshot from storage when the last one is).</summary>
    public IReadOnlyList<SnapshotChunk> SnapshotChunks { get; internal init; } = NoChunks;

    /// <summary>A snapshot received from the leader, to install before anything else; null if none.</summary>
    public Snapshot? Snapshot { get; internal init; }

    /// <summary>Entries to append to stable storage.</summary>
    public IReadOnlyList<Entry> Entries { get; internal init; } = NoEntries;

    /// <summary>Messages that may be sent immediately.</summary>
    public IReadOnlyList<Message> Messages { get; internal init; } = NoMessages;

    /// <summary>Messages that may only leave once this batch's snapshot, entries and hard state are durable.</summary>
    public IReadOnlyList<Message> MessagesAfterPersist { get; internal init; } = NoMessages;

    /// <summary>Committed entries to apply to the state machine, in index order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; internal init; } = NoEntries;

    /// <summary>Confirmed ReadIndex requests.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; internal init; } = NoReadStates;
}
