using DistSync.Raft.Simulation;

namespace DistSync.Raft.Tests.Support;

/// <summary>Runs simulator seeds; on a violation re-runs the seed with tracing and reports seed, trace and how to replay.</summary>
public static class SimulationRunner
{
    public static SimulationResult Run(int seed, int steps, bool faults = true) =>
        new RaftSimulation(Options(seed, steps, faults, trace: false)).Run();

    public static SimulationOptions Options(int seed, int steps, bool faults, bool trace) => new()
    {
        Seed = seed,
        Steps = steps,
        Faults = faults,
        Trace = trace,
        CheckHistory = SimulatedKvHistory.Check,
    };

    /// <summary>Asserts that every seed in the range runs without violation; returns the results.</summary>
    public static IReadOnlyList<SimulationResult> AssertSeeds(int firstSeed, int count, int steps, bool faults = true)
    {
        var results = new List<SimulationResult>(count);
        for (int seed = firstSeed; seed < firstSeed + count; seed++)
        {
            var result = Run(seed, steps, faults);
            if (!result.Ok) Assert.Fail(Explain(result, steps, faults));
            results.Add(result);
        }
        return results;
    }

    /// <summary>The coverage counters of a set of runs, summed, for assertion messages.</summary>
    public static string Coverage(IReadOnlyList<SimulationResult> results) =>
        $"{results.Count} seeds: leaders {results.Sum(r => r.Elections)}, conf changes {results.Sum(r => r.ConfChanges)} " +
        $"(after a leader change {results.Sum(r => r.ConfChangesAfterLeaderChange)}, refused as pending {results.Sum(r => r.ConfChangesRefusedPending)}), " +
        $"snapshots installed {results.Sum(r => r.SnapshotsInstalled)}, crashes {results.Sum(r => r.Crashes)} " +
        $"(before persist {results.Sum(r => r.CrashesBeforePersist)}, unpersisted lost {results.Sum(r => r.UnpersistedLost)}, after persist {results.Sum(r => r.CrashesAfterPersist)}), " +
        $"restarts {results.Sum(r => r.Restarts)} (from a log snapshot {results.Sum(r => r.RestartsFromLogSnapshot)}), " +
        $"sent during writes {results.Sum(r => r.SentDuringWrites)}, sessions expired {results.Sum(r => r.SessionsExpired)}, client ops {results.Sum(r => r.CompletedOperations)}";

    public static string Explain(SimulationResult failed, int steps, bool faults)
    {
        var traced = new RaftSimulation(Options(failed.Seed, steps, faults, trace: true)).Run();
        string path = Path.Combine(Path.GetTempPath(), $"raft-sim-seed-{failed.Seed}.trace.txt");
        File.WriteAllLines(path, traced.Trace);
        int from = Math.Max(0, traced.Trace.Count - 60);
        var tail = string.Join(Environment.NewLine, traced.Trace.Skip(from));
        return $"{failed}\nreplay: RAFT_SIM_SEED={failed.Seed} RAFT_SIM_STEPS={steps} dotnet test --filter SimulatorReplaySpec\n" +
               $"full trace ({traced.Trace.Count} events): {path}\nlast events:\n{tail}";
    }
}
