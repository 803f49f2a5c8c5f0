using DistSync.Raft.Tests.Support;

namespace DistSync.Raft.Tests.Simulation;

/// <summary>
/// CI soak: 500 seeds x 10,000 steps (about 16 s of simulated time each) with faults on, each checked for the five
/// safety properties and every node's invariants after every step and for linearizability at the end. Odd seeds use
/// the slow disk: every write takes up to three ticks while the node goes on taking input (RaftActor's Persisting). Split into
/// classes so xunit runs the shards in parallel. Each shard also asserts that what the soak claims to exercise did
/// happen: a run that never fails over, restarts from a log snapshot or expires a session proves nothing about them.
/// </summary>
public abstract class SimulatorSoakSpec
{
    public const int Steps = 10_000;
    public const int SeedsPerCase = 25;

    protected static void RunCase(int firstSeed)
    {
        var results = SimulationRunner.AssertSeeds(firstSeed, SeedsPerCase, Steps);
        string seen = SimulationRunner.Coverage(results);
        Assert.True(results.Sum(r => r.Elections) > SeedsPerCase, "on average more than one leader per seed: " + seen);
        // Most leader changes are followed by an accepted membership change (the workload tries one on every new leader).
        // A rate, not "> 0": a core that keeps a change pending across leader changes still lets one through when the
        // new leader's log happens to end at its snapshot or at an applied change.
        int leaderChanges = results.Sum(r => Math.Max(0, r.Elections - 1));
        Assert.True(results.Sum(r => r.ConfChangesAfterLeaderChange) * 4 >= leaderChanges,
            $"conf changes accepted after a leader change, at least one per four leader changes ({leaderChanges}): " + seen);
        Assert.True(results.Sum(r => r.SnapshotsInstalled) > 0, "snapshots installed: " + seen);
        Assert.True(results.Sum(r => r.UnpersistedLost) > 0, "crashes whose unpersisted state was lost: " + seen);
        Assert.True(results.Sum(r => r.CrashesAfterPersist) > 0, "crashes between persisting and applying: " + seen);
        Assert.True(results.Sum(r => r.SessionsExpired) > 0, "sessions expired: " + seen);
        // odd seeds write slowly: nodes step input and send heartbeats and appends while a write is in flight
        Assert.True(results.Sum(r => r.SentDuringWrites) > SeedsPerCase, "messages sent during writes: " + seen);
        Assert.True(results.Sum(r => r.RestartsFromLogSnapshot) > 0, "restarts replayed from a log snapshot: " + seen);
        Assert.True(results.Sum(r => r.CompletedOperations) > SeedsPerCase * 10, "client operations: " + seen);
    }
}

public class SimulatorSoakShardA : SimulatorSoakSpec
{
    [Theory]
    [InlineData(10_000)] [InlineData(10_025)] [InlineData(10_050)] [InlineData(10_075)] [InlineData(10_100)]
    public void Seeds_run_without_safety_or_linearizability_violations(int firstSeed) => RunCase(firstSeed);
}

public class SimulatorSoakShardB : SimulatorSoakSpec
{
    [Theory]
    [InlineData(10_125)] [InlineData(10_150)] [InlineData(10_175)] [InlineData(10_200)] [InlineData(10_225)]
    public void Seeds_run_without_safety_or_linearizability_violations(int firstSeed) => RunCase(firstSeed);
}

public class SimulatorSoakShardC : SimulatorSoakSpec
{
    [Theory]
    [InlineData(10_250)] [InlineData(10_275)] [InlineData(10_300)] [InlineData(10_325)] [InlineData(10_350)]
    public void Seeds_run_without_safety_or_linearizability_violations(int firstSeed) => RunCase(firstSeed);
}

public class SimulatorSoakShardD : SimulatorSoakSpec
{
    [Theory]
    [InlineData(10_375)] [InlineData(10_400)] [InlineData(10_425)] [InlineData(10_450)] [InlineData(10_475)]
    public void Seeds_run_without_safety_or_linearizability_violations(int firstSeed) => RunCase(firstSeed);
}
