using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The in-memory view of a group's journaled Raft log. Durability comes from <see cref="RaftLogActor"/>: the
/// <see cref="RaftActor"/> writes to this view only after the journal acknowledged the same change, so the view
/// never runs ahead of the disk. Rebuilt at start from the log actor's snapshot and events
/// (<see cref="Replay"/>). Single-threaded: owned by the log actor during recovery, then by the RaftActor.
/// </summary>
internal sealed class JournaledRaftStorage : IRaftStorage
{
    // entries[0] is the dummy at the snapshot position; entries[i] has index entries[0].Index + i.
    private readonly List<Entry> entries = new();
    private Snapshot snapshot;

    public JournaledRaftStorage()
    {
        snapshot = new Snapshot { Metadata = new SnapshotMetadata { Index = 0, Term = 0, ConfState = new ConfState() } };
        entries.Add(new Entry());
        HardState = new HardState();
    }

    public HardState HardState { get; private set; }
    public Snapshot Snapshot => snapshot;
    public long FirstIndex => entries[0].Index + 1;
    public long LastIndex => entries[0].Index + entries.Count - 1;
    public bool IsEmpty => LastIndex == 0 && HardState.Term == 0 && snapshot.Metadata.Index == 0;

    public bool TryGetTerm(long index, out long term)
    {
        long offset = entries[0].Index;
        if (index < offset || index > LastIndex)
        {
            term = 0;
            return false;
        }
        term = entries[(int)(index - offset)].Term;
        return true;
    }

    public bool TryGetEntries(long lo, long hi, long maxBytes, int maxCount, ICollection<Entry> into)
    {
        long offset = entries[0].Index;
        if (lo <= offset || hi > LastIndex + 1 || lo > hi) return false;
        long size = 0;
        int added = 0;
        for (long i = lo; i < hi && added < maxCount; i++)
        {
            var e = entries[(int)(i - offset)];
            size += e.Data.Length + 24;
            if (added > 0 && size > maxBytes) break;
            into.Add(e);
            added++;
        }
        return true;
    }

    public void Append(IReadOnlyList<Entry> newEntries)
    {
        if (newEntries.Count == 0) return;
        long first = FirstIndex;
        if (newEntries[^1].Index < first) return;
        int skip = newEntries[0].Index < first ? (int)(first - newEntries[0].Index) : 0;
        long start = newEntries[skip].Index;
        if (start > LastIndex + 1) throw new InvalidOperationException($"raft log: append at {start} leaves a gap after {LastIndex}");
        int keep = (int)(start - entries[0].Index);
        if (keep < entries.Count) entries.RemoveRange(keep, entries.Count - keep);
        for (int i = skip; i < newEntries.Count; i++) entries.Add(newEntries[i]);
    }

    public void SetHardState(HardState state) => HardState = state.Clone();

    public void ApplySnapshot(Snapshot incoming)
    {
        if (incoming.Metadata.Index <= snapshot.Metadata.Index) return;
        snapshot = incoming;
        entries.Clear();
        entries.Add(new Entry { Index = incoming.Metadata.Index, Term = incoming.Metadata.Term });
    }

    public void CreateSnapshot(long index, ConfState confState, ByteString data)
    {
        if (index <= snapshot.Metadata.Index) return;
        if (!TryGetTerm(index, out long term)) throw new ArgumentOutOfRangeException(nameof(index), $"snapshot index {index} is outside the log [{FirstIndex - 1}, {LastIndex}]");
        snapshot = new Snapshot
        {
            Metadata = new SnapshotMetadata { Index = index, Term = term, ConfState = confState.Clone() },
            Data = data,
        };
    }

    public void Compact(long index)
    {
        long offset = entries[0].Index;
        if (index <= offset) return;
        if (index > snapshot.Metadata.Index) throw new ArgumentOutOfRangeException(nameof(index), $"compact {index} is not covered by the snapshot at {snapshot.Metadata.Index}");
        int remove = (int)(index - offset);
        var dummy = entries[remove];
        entries.RemoveRange(0, remove);
        entries[0] = new Entry { Index = dummy.Index, Term = dummy.Term };
    }

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
