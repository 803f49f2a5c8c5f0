using DistSync.Raft.Journal;
using Google.Protobuf;

namespace DistSync.Raft;

/// <summary>
/// The in-memory view of a group's journaled Raft log. Durability comes from <see cref="RaftLogActor"/>: the
/// <see cref="RaftActor"/> writes to this view only after the journal acknowledged the same change, so the view
/// never runs ahead of the disk, except for the commit index of a commit-only hard state, which the host writes
/// lazily (the commit index is volatile in Raft; see RaftActor.DeferHardState). Rebuilt at start from the log actor's snapshot and events
/// (<see cref="Replay"/>). Single-threaded: owned by the log actor during recovery, then by the RaftActor.
/// </summary>
internal sealed class JournaledRaftStorage : InMemoryRaftLog
{
    public bool IsEmpty => LastIndex == 0 && HardState.Term == 0 && snapshot.Metadata.Index == 0;

    /// <summary>Applies one journal event or log snapshot (recovery, and the same code path as live writes).</summary>
    public void Replay(object item)
    {
        switch (item)
        {
            case RaftLogState state:
                RestoreLogState(state);
                break;
            case SnapshotChunkReceived chunk:
                // a chunk that does not continue the partial snapshot (its start was compacted away) is dropped
                WriteSnapshotChunk(new SnapshotChunk(chunk.Metadata, chunk.Offset, chunk.TotalSize, chunk.Data));
                break;
            case SnapshotInstalled installed:
                ApplySnapshot(installed.Snapshot);
                break;
            case EntriesAppended appended:
                Append(appended.Entries);
                break;
            case HardStateChanged changed:
                SetHardState(changed.HardState);
                break;
        }
    }

    /// <summary>
    /// Rebuilds the view from a log snapshot. The retained entries start at the compaction point, which lies
    /// BELOW the snapshot's index (a tail is kept for slow followers), so the dummy position comes from the
    /// state's log start, never from the snapshot: placing entries after the snapshot's index shifted every
    /// index (entry 17514 sat at position 20014), and a restart re-applied and conflicted with committed entries.
    /// </summary>
    private void RestoreLogState(RaftLogState state)
    {
        snapshot = state.Snapshot ?? snapshot;
        HardState = state.HardState ?? new HardState();
        long snapshotIndex = snapshot.Metadata.Index;
        entries.Clear();
        if (state.LogStartIndex > 0)
        {
            if (state.LogStartIndex > snapshotIndex)
                throw new InvalidDataException($"raft log state: log start {state.LogStartIndex} is after the snapshot at {snapshotIndex}");
            entries.Add(new Entry { Index = state.LogStartIndex, Term = state.LogStartTerm });
            foreach (var e in state.Entries) AddContiguous(e);
            return;
        }
        // Written before log_start existed (or nothing was compacted yet): start at the snapshot and keep only the
        // entries after it; the ones at or below it are committed and inside the snapshot.
        entries.Add(new Entry { Index = snapshotIndex, Term = snapshot.Metadata.Term });
        foreach (var e in state.Entries)
        {
            if (e.Index > snapshotIndex) AddContiguous(e);
        }
    }

    private void AddContiguous(Entry e)
    {
        if (e.Index != LastIndex + 1)
            throw new InvalidDataException($"raft log state: entry {e.Index} does not follow {LastIndex}");
        entries.Add(e);
    }

    /// <summary>The whole state as one log snapshot (written after compaction, so old events can be deleted).</summary>
    public RaftLogState ToLogState()
    {
        var state = new RaftLogState
        {
            HardState = HardState.Clone(),
            Snapshot = snapshot,
            LogStartIndex = entries[0].Index,
            LogStartTerm = entries[0].Term,
        };
        for (int i = 1; i < entries.Count; i++) state.Entries.Add(entries[i]);
        return state;
    }

    /// <summary>Entries of the whole retained log (for the address book scan at start).</summary>
    public IEnumerable<Entry> RetainedEntries()
    {
        for (int i = 1; i < entries.Count; i++) yield return entries[i];
    }
}
