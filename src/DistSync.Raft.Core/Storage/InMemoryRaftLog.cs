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

    public void ApplySnapshot(Snapshot installed)
    {
        if (installed.Metadata.Index <= snapshot.Metadata.Index) return; // older than what we have
        snapshot = installed;
        entries.Clear();
        entries.Add(new Entry { Index = installed.Metadata.Index, Term = installed.Metadata.Term });
        if (incoming is { } partial && partial.Metadata.Index <= installed.Metadata.Index) DiscardIncoming();
    }

    // The snapshot being received: its chunks as they came (no copy), assembled once in TakeIncomingSnapshot.
    private PartialSnapshot? incoming;
    private readonly List<ByteString> incomingChunks = new();

    public PartialSnapshot? IncomingSnapshot => incoming;

    public bool WriteSnapshotChunk(SnapshotChunk chunk)
    {
        if (chunk.Offset == 0)
        {
            incomingChunks.Clear();
            incoming = new PartialSnapshot(chunk.Metadata, chunk.TotalSize, 0);
        }
        else if (incoming is null || !incoming.Metadata.Equals(chunk.Metadata) || incoming.Size != chunk.TotalSize || incoming.Received != chunk.Offset)
        {
            DiscardIncoming(); // a gap (e.g. the start was compacted out of a journal): the transfer restarts from 0
            return false;
        }
        if (incoming.Received + chunk.Data.Length > incoming.Size)
        {
            DiscardIncoming();
            return false;
        }
        incomingChunks.Add(chunk.Data);
        incoming = incoming with { Received = incoming.Received + chunk.Data.Length };
        return true;
    }

    public Snapshot TakeIncomingSnapshot()
    {
        if (incoming is not { IsComplete: true } done)
            throw new InvalidOperationException($"raft log: the incoming snapshot is incomplete ({incoming?.Received ?? 0} of {incoming?.Size ?? 0} bytes)");
        var data = new byte[done.Size];
        int at = 0;
        foreach (var c in incomingChunks)
        {
            c.Span.CopyTo(data.AsSpan(at));
            at += c.Length;
        }
        DiscardIncoming();
        return new Snapshot { Metadata = done.Metadata, Data = UnsafeByteOperations.UnsafeWrap(data) };
    }

    private void DiscardIncoming()
    {
        incoming = null;
        incomingChunks.Clear();
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
