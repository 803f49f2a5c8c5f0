using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The in-memory view of a group's journaled Raft log. Durability comes from <see cref="RaftLogActor"/>: the
/// <see cref="RaftActor"/> writes to this view only after the journal acknowledged the same change, so the view
/// never runs ahead of the disk. Rebuilt at start from the log actor's snapshot and events
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
                entries.Clear();
                snapshot = state.Snapshot ?? snapshot;
                entries.Add(new Entry { Index = snapshot.Metadata.Index, Term = snapshot.Metadata.Term });
                entries.AddRange(state.Entries);
                HardState = state.HardState ?? new HardState();
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

    /// <summary>The whole state as one log snapshot (written after compaction, so old events can be deleted).</summary>
    public RaftLogState ToLogState()
    {
        var state = new RaftLogState { HardState = HardState.Clone(), Snapshot = snapshot };
        for (int i = 1; i < entries.Count; i++) state.Entries.Add(entries[i]);
        return state;
    }

    /// <summary>Entries of the whole retained log (for the address book scan at start).</summary>
    public IEnumerable<Entry> RetainedEntries()
    {
        for (int i = 1; i < entries.Count; i++) yield return entries[i];
    }
}
