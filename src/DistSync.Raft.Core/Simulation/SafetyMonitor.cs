namespace DistSync.Raft.Simulation;

/// <summary>
/// Checks the five safety properties of Raft (§5.4 / Figure 3) incrementally, as the simulator observes nodes:
/// election safety, leader append-only, log matching, leader completeness, state machine safety; and, for every
/// node whatever its role, the invariants of its commit and applied indexes, its votes and its recovery from disk
/// (SafetyMonitor.Nodes.cs). Throws <see cref="SimulationViolationException"/> on the first violation.
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
    // [index] -> (entry term, a term at or after the one that committed it), as seen at any node's commit index;
    // EntryTerm 0 = not seen committed yet. Dense: commit indexes grow from the bootstrap entries on.
    private readonly List<(long EntryTerm, long CommitTerm)> committed = new() { (0, 0) };

    public int Elections => leaderOfTerm.Count;

    /// <summary>Term of the first leader seen (0 before any): later terms' leaders came after a leader change.</summary>
    public long FirstLeaderTerm { get; private set; }

    /// <summary>Called after every step for every live node, whatever its role.</summary>
    public void ObserveNode(RaftNode n, int incarnation, long stateMachineApplied)
    {
        ObserveIndexes(n, incarnation, stateMachineApplied);
        if (n.Role == RaftRole.Leader) ObserveLeader(n);
    }

    private void ObserveLeader(RaftNode n)
    {
        // A leader that applies its own removal steps down at once, so a leader is always a voter of its own config.
        if (!n.Voters.Contains(n.Id)) Fail($"leader {n.Id} of term {n.Term} is not a voter in its own configuration");
        // Election safety: at most one leader per term.
        if (leaderOfTerm.TryGetValue(n.Term, out ulong other))
        {
            if (other != n.Id) Fail($"election safety: nodes {other} and {n.Id} are both leader of term {n.Term}");
        }
        else
        {
            leaderOfTerm[n.Term] = n.Id;
            if (FirstLeaderTerm == 0 || n.Term < FirstLeaderTerm) FirstLeaderTerm = n.Term;
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
    }

    /// <summary>Leader completeness: an entry committed in term U is in the log of every leader of a term after U.</summary>
    private void CheckLeaderCompleteness(RaftNode leader)
    {
        for (long index = Math.Max(1, leader.FirstIndex - 1); index < committed.Count; index++)
        {
            // below FirstIndex - 1: compacted into the leader's snapshot, which only holds committed entries
            var c = committed[(int)index];
            if (c.EntryTerm == 0 || c.CommitTerm >= leader.Term) continue;
            long t = leader.TermAt(index);
            if (index > leader.LastIndex || t != c.EntryTerm)
                Fail($"leader completeness: leader {leader.Id} of term {leader.Term} lacks entry {index} (term {c.EntryTerm}) committed by term {c.CommitTerm}; it has term {t}, last index {leader.LastIndex}");
        }
    }

    /// <summary>Records that a node holds <paramref name="entryTerm"/> at committed <paramref name="index"/>; all must agree.</summary>
    private void ObserveCommitted(RaftNode n, long index, long entryTerm)
    {
        if (index <= 0) return;
        while (committed.Count <= index) committed.Add((0, 0));
        var c = committed[(int)index];
        if (c.EntryTerm == 0)
        {
            if (entryTerm == 0) Fail($"node {n.Id} ({n.Role}, term {n.Term}) has committed index {index} but no entry there (first {n.FirstIndex}, last {n.LastIndex})");
            committed[(int)index] = (entryTerm, n.Term);
        }
        else if (c.EntryTerm != entryTerm)
        {
            Fail($"commit agreement: node {n.Id} ({n.Role}, term {n.Term}) holds term {entryTerm} at committed index {index}; term {c.EntryTerm} was committed there (seen by term {c.CommitTerm})");
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
        if (e.Index < committed.Count && committed[(int)e.Index] is { EntryTerm: > 0 } c && c.EntryTerm != e.Term)
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
