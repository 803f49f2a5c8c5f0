using Google.Protobuf;

namespace DistSync.Raft;

/// <summary>
/// The persisted half of a Raft node: log entries, hard state (term, vote, commit) and the latest snapshot
/// (whose metadata carries the configuration at its index). Everything else in <see cref="RaftNode"/> is
/// volatile and rebuilt from this on restart.
/// <para>
/// Threading: single-threaded, owned by whoever drives the node. <see cref="RaftNode"/> only reads; the host
/// writes, after <see cref="RaftNode.GetReady"/> and before <see cref="RaftNode.Advance"/>, in this order:
/// <see cref="WriteSnapshotChunk"/> (each chunk, if any), <see cref="ApplySnapshot"/> (if any), <see cref="Append"/>,
/// <see cref="SetHardState"/>. The node itself calls <see cref="TakeIncomingSnapshot"/> once the last chunk is stored. A write must be
/// durable when it returns (a crash afterwards keeps it).
/// </para>
/// The log always holds a "dummy" position at <c>FirstIndex - 1</c> (the snapshot's index) whose term is known.
/// </summary>
public interface IRaftStorage
{
    HardState HardState { get; }

    /// <summary>Latest snapshot (index 0 with the bootstrap configuration when none was taken yet).</summary>
    Snapshot Snapshot { get; }

    /// <summary>Index of the first entry still in the log (snapshot index + 1).</summary>
    long FirstIndex { get; }

    /// <summary>Index of the last entry (snapshot index when the log is empty).</summary>
    long LastIndex { get; }

    /// <summary>Term of the entry at <paramref name="index"/>; false when it is compacted or beyond the end.</summary>
    bool TryGetTerm(long index, out long term);

    /// <summary>
    /// Adds entries [lo, hi) to <paramref name="into"/>, stopping before the total size would pass
    /// <paramref name="maxBytes"/> (always at least one entry) or after <paramref name="maxCount"/> entries.
    /// False when <paramref name="lo"/> is compacted or the range runs past <see cref="LastIndex"/>.
    /// </summary>
    bool TryGetEntries(long lo, long hi, long maxBytes, int maxCount, ICollection<Entry> into);

    /// <summary>Appends entries; an entry whose index is already present replaces it and everything after it.</summary>
    void Append(IReadOnlyList<Entry> entries);

    void SetHardState(HardState state);

    /// <summary>Installs a snapshot received from the leader: the log is replaced by the snapshot's position.</summary>
    void ApplySnapshot(Snapshot snapshot);

    /// <summary>The snapshot being received from the leader (chunks stored so far), or null.</summary>
    PartialSnapshot? IncomingSnapshot { get; }

    /// <summary>
    /// Stores a chunk of a snapshot being received (durably, like every write). Offset 0 starts a new snapshot and
    /// discards any other partial one; any other chunk must continue the current one at its received length.
    /// False (nothing stored) when it does not: then the partial snapshot is discarded.
    /// </summary>
    bool WriteSnapshotChunk(SnapshotChunk chunk);

    /// <summary>The received snapshot, assembled from its chunks; the partial state is cleared. Throws when incomplete.</summary>
    Snapshot TakeIncomingSnapshot();

    /// <summary>Records a snapshot the local state machine took at <paramref name="index"/> (already applied).</summary>
    void CreateSnapshot(long index, ConfState confState, ByteString data);

    /// <summary>Discards entries up to and including <paramref name="index"/>, keeping only its term;
    /// <paramref name="index"/> must not pass the snapshot's index.</summary>
    void Compact(long index);
}
