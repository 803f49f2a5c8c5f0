using Google.Protobuf;

namespace DistSync.Raft;

/// <summary>
/// The retained part of a Raft log held in memory: a snapshot, the entries after it and the hard state. The
/// test double <see cref="MemoryRaftStorage"/> and the hosted, journal-backed view both are one, so the index
/// arithmetic of append, truncate and compact lives in one place. Single-threaded, like every storage.
/// </summary>
public abstract class InMemoryRaftLog : IRaftStorage
{
    /// <summary>entries[0] is the dummy at the snapshot position; entries[i] has index entries[0].Index + i.</summary>
    protected readonly List<Entry> entries = new();

    /// <summary>The latest snapshot; its metadata positions the dummy entry.</summary>
    protected Snapshot snapshot;

    protected InMemoryRaftLog()
    {
        snapshot = new Snapshot { Metadata = new SnapshotMetadata { Index = 0, Term = 0, ConfState = new ConfState() } };
        entries.Add(new Entry { Index = 0, Term = 0 });
        HardState = new HardState();
    }

    public HardState HardState { get; protected set; }
    public Snapshot Snapshot => snapshot;
    public long FirstIndex => entries[0].Index + 1;
    public long LastIndex => entries[0].Index + entries.Count - 1;

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
            size += RaftLog.EntrySize(e);
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
        long last = newEntries[^1].Index;
        if (last < first) return; // everything is already compacted away
        int skip = 0;
        if (newEntries[0].Index < first) skip = (int)(first - newEntries[0].Index);
        long start = newEntries[skip].Index;
        if (start > LastIndex + 1)
            throw new InvalidOperationException($"raft log: append at {start} leaves a gap after last index {LastIndex}");
        int keep = (int)(start - entries[0].Index);
        if (keep < entries.Count) entries.RemoveRange(keep, entries.Count - keep);
        for (int i = skip; i < newEntries.Count; i++) entries.Add(newEntries[i]);
    }

    public void SetHardState(HardState state) => HardState = state.Clone();

    public void ApplySnapshot(Snapshot incoming)
    {
        if (incoming.Metadata.Index <= snapshot.Metadata.Index) return; // older than what we have
        snapshot = incoming;
        entries.Clear();
        entries.Add(new Entry { Index = incoming.Metadata.Index, Term = incoming.Metadata.Term });
    }

    public void CreateSnapshot(long index, ConfState confState, ByteString data)
    {
        if (index <= snapshot.Metadata.Index) return;
        if (index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), $"snapshot index {index} is beyond last index {LastIndex}");
        if (!TryGetTerm(index, out long term)) throw new ArgumentOutOfRangeException(nameof(index), $"snapshot index {index} is compacted");
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
        if (index > snapshot.Metadata.Index)
            throw new ArgumentOutOfRangeException(nameof(index), $"compact {index} is not covered by the snapshot at {snapshot.Metadata.Index}");
        // Keep entries[index - offset] as the new dummy.
        int remove = (int)(index - offset);
        var dummy = entries[remove];
        entries.RemoveRange(0, remove);
        entries[0] = new Entry { Index = dummy.Index, Term = dummy.Term };
    }
}
