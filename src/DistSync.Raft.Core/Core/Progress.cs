namespace DistSync.Raft;

/// <summary>
/// The leader's view of one peer's log (etcd's tracker.Progress). Read-only outside the core;
/// exposed so tests and the host's metrics can observe replication.
/// </summary>
public sealed class Progress
{
    internal Progress(ulong id, long next, int maxInflight, bool isLearner)
    {
        Id = id;
        Next = next;
        IsLearner = isLearner;
        Inflights = new Inflights(maxInflight);
    }

    public ulong Id { get; }
    /// <summary>Highest index known to be durably replicated on the peer.</summary>
    public long Match { get; internal set; }
    /// <summary>Next index to send.</summary>
    public long Next { get; internal set; }
    public ProgressState State { get; internal set; }
    public bool IsLearner { get; internal set; }
    /// <summary>In Probe: an append is outstanding, wait for its answer (or a heartbeat answer) before the next.</summary>
    public bool ProbeSent { get; internal set; }
    /// <summary>Heard from since the last CheckQuorum round.</summary>
    public bool RecentActive { get; internal set; }
    /// <summary>In Snapshot: the index of the snapshot being transferred and the next byte offset the peer expects.</summary>
    public long PendingSnapshot { get; internal set; }
    public long SnapshotOffset { get; internal set; }
    /// <summary>In Snapshot: leader ticks since the last chunk went out (resent when it reaches the retransmit timeout).</summary>
    internal int SnapshotTicksSinceSend { get; set; }
    /// <summary>Highest ReadIndex confirmation round the peer acknowledged in this term.</summary>
    internal long AckedReadRound { get; set; }
    internal Inflights Inflights { get; }
    public int InflightCount => Inflights.Count;

    /// <summary>Whether sending more appends must wait.</summary>
    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.Full,
        _ => true,
    };

    internal void ResetState(ProgressState state)
    {
        ProbeSent = false;
        PendingSnapshot = 0;
        SnapshotOffset = 0;
        SnapshotTicksSinceSend = 0;
        State = state;
        Inflights.Reset();
    }

    internal void BecomeProbe()
    {
        if (State == ProgressState.Snapshot)
        {
            long pending = PendingSnapshot;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
    }

    internal void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    internal void BecomeSnapshot(long snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
    }

    /// <summary>Records an acknowledgement up to <paramref name="index"/>; false if it was stale.</summary>
    internal bool MaybeUpdate(long index)
    {
        bool updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }
        if (Next < index + 1) Next = index + 1;
        return updated;
    }

    /// <summary>Applies a rejection of the append at <paramref name="rejected"/>; false if the rejection is stale.</summary>
    internal bool MaybeDecrTo(long rejected, long matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match) return false;
            Next = Match + 1;
            return true;
        }
        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    public override string ToString() =>
        $"{Id}: {State} match={Match} next={Next} inflight={Inflights.Count}{(IsLearner ? " learner" : "")}";
}
