using System.Diagnostics;
using DistSync.Linearizability;
using DistSync.Linearizability.Models;
using DistSync.Raft.Simulation;

namespace DistSync.Bench;

/// <summary>
/// Soak of the deterministic Raft simulator: <c>raft-sim [--seeds N] [--from S] [--steps K] [--no-faults]</c>.
/// Runs seeds on every core, checks safety after every step and linearizability of each client history,
/// prints seeds/s, the summed coverage counters (leaders, crashes, restarts, conf changes, snapshots, session
/// expiries) and every violation with its seed and replay command.
/// </summary>
public sealed class RaftSimBench : IBenchmark
{
    public string Name => "raft-sim";
    public string Description => "Raft simulator soak: --seeds N [--from S] [--steps K] [--no-faults]";

    public Task<int> RunAsync(string[] args)
    {
        int seeds = 1000, from = 1, steps = SimulationOptions.DefaultSteps;
        bool faults = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seeds" when i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0: seeds = n; i++; break;
                case "--from" when i + 1 < args.Length && int.TryParse(args[i + 1], out int f): from = f; i++; break;
                case "--steps" when i + 1 < args.Length && int.TryParse(args[i + 1], out int s) && s > 0: steps = s; i++; break;
                case "--no-faults": faults = false; break;
                default:
                    Console.Error.WriteLine($"raft-sim: unknown or invalid argument '{args[i]}'; usage: {Description}");
                    return Task.FromResult(2);
            }
        }

        var sw = Stopwatch.StartNew();
        int done = 0, failed = 0;
        var totals = new Totals();
        var failures = new List<SimulationResult>();
        var gate = new object();
        Parallel.For(from, from + seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var result = new RaftSimulation(new SimulationOptions
            {
                Seed = seed,
                Steps = steps,
                Faults = faults,
                CheckHistory = CheckHistory,
            }).Run();
            lock (gate)
            {
                done++;
                totals.Add(result);
                if (!result.Ok)
                {
                    failed++;
                    failures.Add(result);
                    Console.WriteLine($"VIOLATION {result}");
                    Console.WriteLine($"  replay: RAFT_SIM_SEED={result.Seed} RAFT_SIM_STEPS={steps} dotnet test tests/DistSync.Raft.Tests --filter SimulatorReplaySpec");
                }
                if (done % 1000 == 0) Console.WriteLine($"  {done}/{seeds} seeds, {failed} violations, {done / sw.Elapsed.TotalSeconds:F0} seeds/s");
            }
        });
        sw.Stop();
        Console.WriteLine($"raft-sim: {done} seeds x {steps} steps (faults {(faults ? "on" : "off")}) in {sw.Elapsed.TotalSeconds:F1}s = {done / sw.Elapsed.TotalSeconds:F1} seeds/s, {totals.Steps / sw.Elapsed.TotalSeconds:F0} steps/s");
        totals.Print(done);
        Console.WriteLine(failed == 0 ? "  no violations" : $"  {failed} violations; seeds: {string.Join(", ", failures.Select(f => f.Seed).Order())}");
        return Task.FromResult(failed == 0 ? 0 : 1);
    }

    /// <summary>Coverage counters summed over all seeds.</summary>
    private sealed class Totals
    {
        public long Steps, SimulatedMs, Ops, Leaders, Crashes, BeforePersist, Lost, AfterPersist, Restarts, FromLogSnapshot, LogSnapshotsLost;
        public long Conf, ConfAfterLeaderChange, ConfRefused, Snapshots, SessionsExpired, UnknownSession;

        public void Add(SimulationResult r)
        {
            Steps += r.Steps;
            SimulatedMs += r.SimulatedMs;
            Ops += r.CompletedOperations;
            Leaders += r.Elections;
            Crashes += r.Crashes;
            BeforePersist += r.CrashesBeforePersist;
            Lost += r.UnpersistedLost;
            AfterPersist += r.CrashesAfterPersist;
            Restarts += r.Restarts;
            FromLogSnapshot += r.RestartsFromLogSnapshot;
            LogSnapshotsLost += r.LogSnapshotsLost;
            Conf += r.ConfChanges;
            ConfAfterLeaderChange += r.ConfChangesAfterLeaderChange;
            ConfRefused += r.ConfChangesRefusedPending;
            Snapshots += r.SnapshotsInstalled;
            SessionsExpired += r.SessionsExpired;
            UnknownSession += r.UnknownSessionAnswers;
        }

        public void Print(int seeds)
        {
            double n = Math.Max(1, seeds);
            Console.WriteLine($"  totals: {Steps} steps, {SimulatedMs / 1000.0:F0}s simulated ({SimulatedMs / n / 1000.0:F1}s per seed), {Ops} client ops");
            Console.WriteLine($"  leaders (elections): {Leaders} ({Leaders / n:F2} per seed)");
            Console.WriteLine($"  crashes: {Crashes} (before persist {BeforePersist}, of which unpersisted state verified lost at restart {Lost}; after persist, before apply {AfterPersist})");
            Console.WriteLine($"  restarts: {Restarts} (replayed from a log snapshot {FromLogSnapshot}); log snapshot writes lost {LogSnapshotsLost}");
            Console.WriteLine($"  conf changes accepted: {Conf} (after a leader change {ConfAfterLeaderChange}); refused as pending {ConfRefused}");
            Console.WriteLine($"  snapshots installed: {Snapshots}");
            Console.WriteLine($"  sessions expired: {SessionsExpired}; commands answered 'unknown session' {UnknownSession}");
        }
    }

    private static string? CheckHistory(IReadOnlyList<SimKvOperation> ops)
    {
        var list = new List<Operation<KvInput, KvOutput>>(ops.Count);
        foreach (var op in ops)
        {
            var input = op.Kind switch
            {
                SimKvOperationKind.Get => KvInput.Get(op.Key),
                SimKvOperationKind.Put => KvInput.Put(op.Key, op.Value!),
                _ => KvInput.CompareAndSet(op.Key, op.Value!, op.ExpectedVersion),
            };
            if (op.Result is not { } r)
            {
                list.Add(Operation<KvInput, KvOutput>.Unknown(op.ClientId, input, op.CallTime));
                continue;
            }
            var output = op.Kind == SimKvOperationKind.Get
                ? (r.Ok ? KvOutput.Found(r.Value!, r.Version) : KvOutput.NotFound)
                : (r.Ok ? KvOutput.Written(r.Version) : KvOutput.VersionMismatch);
            list.Add(Operation<KvInput, KvOutput>.Completed(op.ClientId, input, op.CallTime, output, op.ReturnTime));
        }
        var result = LinearizabilityChecker.Check(new KvModel(), list, TimeSpan.FromSeconds(60));
        return result.Outcome == CheckOutcome.Ok ? null : $"{result.Outcome}: {result.Explain()}";
    }
}
