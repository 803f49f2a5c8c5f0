namespace DistSync.Raft;

/// <summary>
/// Settings of one <see cref="RaftNode"/>. Property names match the keys of hocon/raft.conf
/// (kebab-case there) so the host can bind the section directly.
/// </summary>
public sealed record RaftConfig
{
    /// <summary>This node's id; never 0 (0 means "nobody").</summary>
    public required ulong Id { get; init; }

    /// <summary>Election timeout in ticks; the randomized timeout is drawn from [ElectionTick, 2*ElectionTick).</summary>
    public int ElectionTick { get; init; } = 10;

    /// <summary>Leader heartbeat interval in ticks; must be below <see cref="ElectionTick"/>.</summary>
    public int HeartbeatTick { get; init; } = 1;

    /// <summary>Soft byte limit of one append message (at least one entry is always sent).</summary>
    public long MaxSizePerMsg { get; init; } = 1 << 20;

    /// <summary>Count limit of entries in one append message.</summary>
    public int MaxEntriesPerMsg { get; init; } = 1024;

    /// <summary>Appends in flight to one follower in Replicate state before the leader waits for acks.</summary>
    public int MaxInflightMsgs { get; init; } = 256;

    /// <summary>Bytes per InstallSnapshot chunk.</summary>
    public int SnapshotChunkSize { get; init; } = 256 * 1024;

    /// <summary>The leader steps down when it has not heard from a majority within an election timeout.</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Run a pre-election that does not bump terms before a real election.</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>Index the host's state machine has durably applied (entries up to it are not handed out again).</summary>
    public long Applied { get; init; }

    internal void Validate()
    {
        if (Id == 0) throw new ArgumentException("RaftConfig.Id must not be 0", nameof(Id));
        if (HeartbeatTick <= 0) throw new ArgumentException("HeartbeatTick must be positive", nameof(HeartbeatTick));
        if (ElectionTick <= HeartbeatTick) throw new ArgumentException("ElectionTick must be greater than HeartbeatTick", nameof(ElectionTick));
        if (MaxEntriesPerMsg <= 0) throw new ArgumentException("MaxEntriesPerMsg must be positive", nameof(MaxEntriesPerMsg));
        if (MaxSizePerMsg <= 0) throw new ArgumentException("MaxSizePerMsg must be positive", nameof(MaxSizePerMsg));
        if (MaxInflightMsgs <= 0) throw new ArgumentException("MaxInflightMsgs must be positive", nameof(MaxInflightMsgs));
        if (SnapshotChunkSize <= 0) throw new ArgumentException("SnapshotChunkSize must be positive", nameof(SnapshotChunkSize));
        if (Applied < 0) throw new ArgumentException("Applied must not be negative", nameof(Applied));
    }
}
