namespace DistSync.Raft;

/// <summary>
/// The node's log: the durable part in <see cref="IRaftStorage"/> followed by the unstable part (entries,
/// and possibly a snapshot from the leader) that the host has not persisted yet. Not thread-safe.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftStorage storage;
    private readonly List<Entry> unstable = new();
    // Index of unstable[0]; entries below it come from storage.
    private long offset;

    public RaftLog(IRaftStorage storage)
    {
        this.storage = storage;
        offset = storage.LastIndex + 1;
        // Everything up to the snapshot is applied (the host restores its state machine from it).
        Committed = storage.Snapshot.Metadata.Index;
        Applied = storage.Snapshot.Metadata.Index;
    }

    /// <summary>Snapshot received from the leader, not yet installed by the host.</summary>
    public Snapshot? UnstableSnapshot { get; private set; }
    public long Committed { get; private set; }
    public long Applied { get; private set; }

    /// <summary>Approximate wire size of an entry, for the per-message byte limit.</summary>
    public static long EntrySize(Entry e) => e.Data.Length + 24;

    public long FirstIndex => UnstableSnapshot is { } s ? s.Metadata.Index + 1 : storage.FirstIndex;

    public long LastIndex => unstable.Count > 0
        ? offset + unstable.Count - 1
        : UnstableSnapshot is { } s ? s.Metadata.Index : storage.LastIndex;

    public long LastTerm => TermOrZero(LastIndex);

    /// <summary>Last index the host has durably stored as part of this log.</summary>
    public long StableLastIndex => UnstableSnapshot is not null ? 0 : Math.Min(storage.LastIndex, offset - 1);

    public bool HasUnstableEntries => unstable.Count > 0;

    public bool TryTerm(long index, out long term)
    {
        long dummy = FirstIndex - 1;
        if (index < dummy || index > LastIndex)
        {
            term = 0;
            return false;
        }
        if (unstable.Count > 0 && index >= offset)
        {
            term = unstable[(int)(index - offset)].Term;
            return true;
        }
        if (UnstableSnapshot is { } s && index == s.Metadata.Index)
        {
            term = s.Metadata.Term;
            return true;
        }
        return storage.TryGetTerm(index, out term);
    }

    public long TermOrZero(long index) => TryTerm(index, out long t) ? t : 0;

    public bool MatchTerm(long index, long term) => TryTerm(index, out long t) && t == term;

    /// <summary>Raft's "at least as up-to-date" comparison (§5.4.1).</summary>
    public bool IsUpToDate(long lastIndex, long term)
    {
        long myTerm = LastTerm;
        return term > myTerm || (term == myTerm && lastIndex >= LastIndex);
    }

    /// <summary>Appends <paramref name="entries"/>[start..], truncating any conflicting suffix.</summary>
    public void Append(IList<Entry> entries, int start)
    {
        if (start >= entries.Count) return;
        long after = entries[start].Index - 1;
        if (after < Committed) throw new InvalidOperationException($"raft: truncating committed entries (after={after}, committed={Committed})");
        if (after == offset + unstable.Count - 1)
        {
            // plain append
        }
        else if (after < offset)
        {
            // replaces part of the stored log: the host overwrites it when persisting these entries
            offset = after + 1;
            unstable.Clear();
        }
        else
        {
            int keep = (int)(after + 1 - offset);
            unstable.RemoveRange(keep, unstable.Count - keep);
        }
        for (int i = start; i < entries.Count; i++) unstable.Add(entries[i]);
    }

    public void AppendOne(Entry e)
    {
        if (e.Index != LastIndex + 1) throw new InvalidOperationException($"raft: appending {e.Index} after {LastIndex}");
        if (unstable.Count == 0) offset = e.Index;
        unstable.Add(e);
    }

    /// <summary>Index of the first entry that is not already in the log with the same term, or 0.</summary>
    public long FindConflict(IList<Entry> entries)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (!MatchTerm(e.Index, e.Term)) return e.Index;
        }
        return 0;
    }

    /// <summary>Largest index at or below <paramref name="index"/> whose term is at most <paramref name="term"/>.</summary>
    public (long Index, long Term) FindConflictByTerm(long index, long term)
    {
        if (index > LastIndex) return (index, 0);
        while (true)
        {
            if (!TryTerm(index, out long t)) return (index, 0);
            if (t <= term) return (index, t);
            if (index == 0) return (0, 0);
            index--;
        }
    }

    /// <summary>Follower side of AppendEntries: returns the new last index, or -1 if the previous entry does not match.</summary>
    public long MaybeAppend(long index, long logTerm, long leaderCommit, IList<Entry> entries)
    {
        if (!MatchTerm(index, logTerm)) return -1;
        long lastNew = index + entries.Count;
        long conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed) throw new InvalidOperationException($"raft: entry {conflict} conflicts with committed entry (committed={Committed})");
            Append(entries, (int)(conflict - index - 1));
        }
        CommitTo(Math.Min(leaderCommit, lastNew));
        return lastNew;
    }

    public void CommitTo(long index)
    {
        if (index <= Committed) return;
        if (index > LastIndex) throw new InvalidOperationException($"raft: commit {index} is beyond last index {LastIndex}");
        Committed = index;
    }

    public bool MaybeCommit(long index, long term)
    {
        if (index > Committed && TermOrZero(index) == term)
        {
            CommitTo(index);
            return true;
        }
        return false;
    }

    public void AppliedTo(long index)
    {
        if (index > Applied) Applied = index;
    }

    /// <summary>Adds entries [lo, hi) within the limits (at least one entry); false if <paramref name="lo"/> is compacted.</summary>
    public bool TryGetEntries(long lo, long hi, long maxBytes, int maxCount, ICollection<Entry> into)
    {
        if (lo < FirstIndex) return false;
        if (hi > LastIndex + 1) hi = LastIndex + 1;
        if (lo >= hi) return true;
        int count = 0;
        long size = 0;
        if (lo < offset)
        {
            long storedHi = Math.Min(hi, offset);
            int before = into.Count;
            if (!storage.TryGetEntries(lo, storedHi, maxBytes, maxCount, into)) return false;
            count = into.Count - before;
            if (count < storedHi - lo || storedHi == hi) return true; // a limit was hit, or nothing unstable wanted
            if (into is not IList<Entry> list) return true; // cannot measure what storage added: stop here
            for (int i = before; i < list.Count; i++) size += EntrySize(list[i]);
            lo = storedHi;
        }
        for (long i = lo; i < hi && count < maxCount; i++)
        {
            var e = unstable[(int)(i - offset)];
            size += EntrySize(e);
            if (count > 0 && size > maxBytes) break;
            into.Add(e);
            count++;
        }
        return true;
    }

    public List<Entry> UnstableEntries() => new(unstable);

    /// <summary>Committed entries not yet handed out for application.</summary>
    public bool HasNextCommittedEntries => UnstableSnapshot is null && Committed > Applied && Applied + 1 >= FirstIndex;

    public void StableTo(long index, long term)
    {
        if (unstable.Count == 0 || index < offset || index > offset + unstable.Count - 1) return;
        if (unstable[(int)(index - offset)].Term != term) return; // overwritten meanwhile
        int n = (int)(index + 1 - offset);
        unstable.RemoveRange(0, n);
        offset = index + 1;
    }

    public void StableSnapshotTo(long index)
    {
        if (UnstableSnapshot is { } s && s.Metadata.Index == index) UnstableSnapshot = null;
    }

    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Metadata.Index;
        unstable.Clear();
        offset = snapshot.Metadata.Index + 1;
        UnstableSnapshot = snapshot;
    }
}
