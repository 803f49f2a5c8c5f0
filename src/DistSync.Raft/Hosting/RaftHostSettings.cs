using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Raft.Hosting;

/// <summary>Typed form of <c>dsync.raft</c> (defaults and meaning: hocon/raft.conf) as the host uses it.</summary>
public sealed record RaftHostSettings
{
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public int ElectionTick { get; init; } = 10;
    public int HeartbeatTick { get; init; } = 1;
    public long MaxSizePerMsg { get; init; } = 1 << 20;
    public int MaxEntriesPerMsg { get; init; } = 1024;
    public int MaxInflightMsgs { get; init; } = 256;
    public int SnapshotChunkSize { get; init; } = 256 * 1024;
    public long SnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>A snapshot also waits until the entries applied since the last one weigh this fraction of its size, so
    /// the cost of snapshots per byte written stays flat as the state grows (0: entries alone decide). The log since
    /// the snapshot stays in memory too, hence a quarter (hocon/raft.conf).</summary>
    public double SnapshotLogRatio { get; init; } = 0.25;
    public bool CheckQuorum { get; init; } = true;
    public bool PreVote { get; init; } = true;

    /// <summary>A learner is promoted to voter once its match index is within this many entries of the commit index.</summary>
    public long LearnerPromotionLag { get; init; } = 100;

    /// <summary>How often a joining node repeats its JoinRequest until it is a member.</summary>
    public TimeSpan JoinRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads <c>dsync:raft</c>; malformed or out-of-range values throw naming the key.</summary>
    public static RaftHostSettings FromConfiguration(IConfiguration? configuration)
    {
        var d = new RaftHostSettings();
        if (configuration is null) return d;
        var s = configuration.GetSection("dsync:raft");
        var settings = new RaftHostSettings
        {
            TickInterval = s.GetDuration("tick-interval", d.TickInterval),
            ElectionTick = s.GetInt("election-tick", d.ElectionTick),
            HeartbeatTick = s.GetInt("heartbeat-tick", d.HeartbeatTick),
            MaxSizePerMsg = s.GetSize("max-size-per-msg", d.MaxSizePerMsg),
            MaxEntriesPerMsg = s.GetInt("max-entries-per-msg", d.MaxEntriesPerMsg),
            MaxInflightMsgs = s.GetInt("max-inflight-msgs", d.MaxInflightMsgs),
            SnapshotChunkSize = (int)Math.Min(int.MaxValue, s.GetSize("snapshot-chunk-size", d.SnapshotChunkSize)),
            SnapshotEveryEntries = s.GetLong("snapshot-every-entries", d.SnapshotEveryEntries),
            SnapshotLogRatio = s.GetDouble("snapshot-log-ratio", d.SnapshotLogRatio),
            CheckQuorum = s.GetBool("check-quorum", d.CheckQuorum),
            PreVote = s.GetBool("pre-vote", d.PreVote),
            LearnerPromotionLag = s.GetLong("learner-promotion-lag", d.LearnerPromotionLag),
            JoinRetryInterval = s.GetDuration("join-retry-interval", d.JoinRetryInterval),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        if (TickInterval <= TimeSpan.Zero) throw new FormatException($"dsync.raft.tick-interval must be positive, got {TickInterval}.");
        if (HeartbeatTick < 1) throw new FormatException($"dsync.raft.heartbeat-tick must be at least 1, got {HeartbeatTick}.");
        if (ElectionTick <= HeartbeatTick) throw new FormatException($"dsync.raft.election-tick ({ElectionTick}) must be greater than heartbeat-tick ({HeartbeatTick}).");
        if (SnapshotEveryEntries < 1) throw new FormatException($"dsync.raft.snapshot-every-entries must be at least 1, got {SnapshotEveryEntries}.");
        if (SnapshotLogRatio is < 0 or > 100 || double.IsNaN(SnapshotLogRatio)) throw new FormatException($"dsync.raft.snapshot-log-ratio must be within 0..100, got {SnapshotLogRatio}.");
        if (LearnerPromotionLag < 0) throw new FormatException($"dsync.raft.learner-promotion-lag must not be negative, got {LearnerPromotionLag}.");
        if (JoinRetryInterval <= TimeSpan.Zero) throw new FormatException($"dsync.raft.join-retry-interval must be positive, got {JoinRetryInterval}.");
        if (MaxSizePerMsg < 1 || MaxEntriesPerMsg < 1 || MaxInflightMsgs < 1 || SnapshotChunkSize < 1)
            throw new FormatException("dsync.raft.max-size-per-msg, max-entries-per-msg, max-inflight-msgs and snapshot-chunk-size must be positive.");
    }

    /// <summary>The core's settings for node <paramref name="raftId"/>.</summary>
    public RaftConfig ToRaftConfig(ulong raftId) => new()
    {
        Id = raftId,
        ElectionTick = ElectionTick,
        HeartbeatTick = HeartbeatTick,
        MaxSizePerMsg = MaxSizePerMsg,
        MaxEntriesPerMsg = MaxEntriesPerMsg,
        MaxInflightMsgs = MaxInflightMsgs,
        SnapshotChunkSize = SnapshotChunkSize,
        CheckQuorum = CheckQuorum,
        PreVote = PreVote,
    };
}
