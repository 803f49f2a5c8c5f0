namespace DistSync.Raft.Simulation;

/// <summary>Outcome of one simulation run, with coverage counters: what the run actually exercised.</summary>
public sealed record SimulationResult
{
    public required int Seed { get; init; }
    public required int Steps { get; init; }
    public long SimulatedMs { get; init; }
    /// <summary>First safety or linearizability violation, null when none.</summary>
    public string? Violation { get; init; }
    /// <summary>Event lines (only when tracing was on).</summary>
    public IReadOnlyList<string> Trace { get; init; } = Array.Empty<string>();
    public IReadOnlyList<SimKvOperation> History { get; init; } = Array.Empty<SimKvOperation>();
    /// <summary>Terms that had a leader.</summary>
    public int Elections { get; init; }
    public long MaxCommitIndex { get; init; }
    public int CompletedOperations { get; init; }
    /// <summary>All crashes: at rest, before persisting a Ready and after persisting it (before applying).</summary>
    public int Crashes { get; init; }
    public int CrashesBeforePersist { get; init; }
    public int CrashesAfterPersist { get; init; }
    /// <summary>Restarts after a crash before persisting whose recovered disk held none of the unpersisted write.</summary>
    public int UnpersistedLost { get; init; }
    /// <summary>Messages sent while their node's write was in flight (slow-disk seeds).</summary>
    public int SentDuringWrites { get; init; }
    public int Restarts { get; init; }
    /// <summary>Restarts whose disk held a log snapshot (replayed before the journal events after it).</summary>
    public int RestartsFromLogSnapshot { get; init; }
    /// <summary>Compactions whose log snapshot write was lost (the journal kept every event).</summary>
    public int LogSnapshotsLost { get; init; }
    /// <summary>Membership changes accepted by a leader.</summary>
    public int ConfChanges { get; init; }
    /// <summary>Of those, accepted by a leader of a later term than the first leader.</summary>
    public int ConfChangesAfterLeaderChange { get; init; }
    public int ConfChangesRefusedPending { get; init; }
    public int SnapshotsInstalled { get; init; }
    /// <summary>Distinct session expiries in the replicated state (client, log index).</summary>
    public int SessionsExpired { get; init; }
    /// <summary>Commands answered "unknown session" to the client that sent them.</summary>
    public int UnknownSessionAnswers { get; init; }

    public bool Ok => Violation is null;

    public override string ToString() =>
        $"seed {Seed}: {(Ok ? "ok" : "VIOLATION " + Violation)} (steps={Steps} simulated={SimulatedMs}ms leaders={Elections} commit={MaxCommitIndex} ops={CompletedOperations} " +
        $"crashes={Crashes} (before-persist={CrashesBeforePersist} lost={UnpersistedLost} after-persist={CrashesAfterPersist}) restarts={Restarts} from-log-snapshot={RestartsFromLogSnapshot} " +
        $"confchanges={ConfChanges} after-leader-change={ConfChangesAfterLeaderChange} refused-pending={ConfChangesRefusedPending} snapshots={SnapshotsInstalled} " +
        $"sessions-expired={SessionsExpired} unknown-session={UnknownSessionAnswers})";
}
