namespace DistSync.Raft.Simulation;

/// <summary>
/// Checks the five safety properties of Raft (§5.4 / Figure 3) incrementally, as the simulator observes nodes:
/// election safety, leader append-only, log matching, leader completeness, state machine safety; and what a node
/// recovers from its disk on restart (SafetyMonitor.Nodes.cs). Throws <see cref="SimulationViolationException"/> on the first violation.
/// </summary>
internal sealed partial class SafetyMonitor
{
    private readonly Dictionary<long, ulong> leaderOfTerm = new();
    // (leader id, term) -> (last index, its term) when last observed as leader
    private readonly Dictionary<(ulong, long), (long Index, long Term)> leaderTails = new();
    // (index, term) -> the entry first persisted there, and the term of its predecessor
    private readonly Dictionary<(long, long), (Entry Entry, long PrevTerm)> persisted = new();
    // index -> entry applied there by anyone
    private readonly Dictionary<long, Entry> applied = new();
    // index -> (entry term, term of the leader that committed it)
    private readonly SortedDictionary<long, (long EntryTerm, long CommitTerm)> committed = new();
    private long highestCommitRecorded;

    public int Elections => leaderOfTerm.Count;

    /// <summary>Called after every step for every live node.</summary>
    public void ObserveNode(RaftNode n)
    {
        if (n.Role != RaftRole.Leader) return;
        // Election safety: at most one leader per term.
        if (leaderOfTerm.TryGetValue(n.Term, out ulong other))
        {
            if (other != n.Id) Fail($"election safety: nodes {other} and {n.Id} are both leader of term {n.Term}");
        }
        else
        {
            leaderOfTerm[n.Term] = n.Id;
            CheckLeaderCompleteness(n);
        }
        // Leader append-only: a leader never overwrites or deletes entries in its log.
        var key = (n.Id, n.Term);
        if (leaderTails.TryGetValue(key, out var tail))
        {
            if (n.LastIndex < tail.Index) Fail($"leader append-only: leader {n.Id} (term {n.Term}) shrank its log from {tail.Index} to {n.LastIndex}");
            if (tail.Index >= n.FirstIndex - 1 && n.TermAt(tail.Index) != tail.Term)
                Fail($"leader append-only: leader {n.Id} (term {n.Term}) changed entry {tail.Index} from term {tail.Term} to {n.TermAt(tail.Index)}");
        }
        leaderTails[key] = (n.LastIndex, n.LastTerm);
        // Record what this leader has committed, with the term that committed it.
        if (n.CommitIndex > highestCommitRecorded)
        {
            for (long i = Math.Max(highestCommitRecorded + 1, n.FirstIndex); i <= n.CommitIndex; i++)
            {
                if (!committed.ContainsKey(i)) committed[i] = (n.TermAt(i), n.Term);
            }
            highestCommitRecorded = n.CommitIndex;
        }
    }

    /// <summary>Leader completeness: an entry committed in term U is in the log of every leader of a term after U.</summary>
    private void CheckLeaderCompleteness(RaftNode leader)
    {
        foreach (var (index, c) in committed)
        {
            if (c.CommitTerm >= leader.Term) continue;
            if (index < leader.FirstIndex - 1) continue; // compacted into the leader's snapshot, which only holds committed entries
            long t = leader.TermAt(index);
            if (index > leader.LastIndex || t != c.EntryTerm)
                Fail($"leader completeness: leader {leader.Id} of term {leader.Term} lacks entry {index} (term {c.EntryTerm}) committed in term {c.CommitTerm}; it has term {t}, last index {leader.LastIndex}");
        }
    }

    /// <summary>Log matching: the same (index, term) always holds the same entry, preceded by the same term.</summary>
    public void ObservePersisted(ulong node, Entry e, long prevTerm)
    {
        var key = (e.Index, e.Term);
        if (persisted.TryGetValue(key, out var first))
        {
            if (first.PrevTerm != prevTerm || !SameEntry(first.Entry, e))
                Fail($"log matching: node {node} persisted a different entry at index {e.Index} term {e.Term} (prev term {prevTerm} vs {first.PrevTerm})");
        }
        else persisted[key] = (e, prevTerm);
    }

    /// <summary>State machine safety: no two nodes apply different entries at the same index.</summary>
    public void ObserveApplied(ulong node, Entry e)
    {
        if (applied.TryGetValue(e.Index, out var first))
        {
            if (first.Term != e.Term || !SameEntry(first, e))
                Fail($"state machine safety: node {node} applied term {e.Term} at index {e.Index}, another node applied term {first.Term}");
        }
        else applied[e.Index] = e;
        if (committed.TryGetValue(e.Index, out var c) && c.EntryTerm != e.Term)
            Fail($"state machine safety: node {node} applied term {e.Term} at index {e.Index}, committed entry has term {c.EntryTerm}");
    }

    public void ObserveSnapshotInstalled(ulong node, SnapshotMetadata meta)
    {
        if (applied.TryGetValue(meta.Index, out var e) && e.Term != meta.Term)
            Fail($"state machine safety: node {node} installed a snapshot at {meta.Index} term {meta.Term}, applied entry there has term {e.Term}");
    }

    private static bool SameEntry(Entry a, Entry b) =>
        a.Term == b.Term && a.Index == b.Index && a.Type == b.Type && a.ClientId == b.ClientId && a.Sequence == b.Sequence && a.Data.Equals(b.Data);

    private static void Fail(string message) => throw new SimulationViolationException(message);
}
