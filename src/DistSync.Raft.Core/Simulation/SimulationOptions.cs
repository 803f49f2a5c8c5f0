namespace DistSync.Raft.Simulation;

/// <summary>Knobs of one deterministic simulation run; everything random derives from <see cref="Seed"/>.</summary>
public sealed record SimulationOptions
{
    /// <summary>Enough steps for about 16 s of simulated time: sessions (3 s) expire and nodes restart from log snapshots.</summary>
    public const int DefaultSteps = 10_000;

    public required int Seed { get; init; }
    /// <summary>Events to process (ticks, deliveries, client actions, faults); invariants are checked after each.</summary>
    public int Steps { get; init; } = DefaultSteps;
    public int InitialVoters { get; init; } = 3;
    /// <summary>Upper bound on voters reached through membership changes.</summary>
    public int MaxVoters { get; init; } = 5;
    public int Clients { get; init; } = 3;
    /// <summary>Drops, duplicates, long delays, partitions, crashes, membership changes and transfers.</summary>
    public bool Faults { get; init; } = true;
    /// <summary>Record a readable line per event (slower; used to replay a failing seed).</summary>
    public bool Trace { get; init; }
    /// <summary>Entries between state machine snapshots (log compaction).</summary>
    public int SnapshotEvery { get; init; } = 40;
    /// <summary>
    /// Each write takes up to three ticks, while the node keeps taking ticks, messages and proposals and sends what
    /// <see cref="RaftNode.TakeMessages"/> gives (as RaftActor does during a journal write). Null: odd seeds do.
    /// </summary>
    public bool? SlowDisk { get; init; }
    /// <summary>
    /// Linearizability check of the client history: null when it is fine, otherwise a readable report.
    /// Injected so this assembly does not depend on the checker.
    /// </summary>
    public Func<IReadOnlyList<SimKvOperation>, string?>? CheckHistory { get; init; }
}
