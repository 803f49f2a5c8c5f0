using System.Diagnostics;
using System.Globalization;
using DistSync.Linearizability;
using DistSync.Linearizability.Models;

namespace DistSync.Bench;

/// <summary>
/// Time to check seeded, linearizable-by-construction histories: a KV history over many keys (the simulator's
/// case) and one long single-register history (one partition, mostly sequential).
/// Usage: <c>./build.sh bench lin-check [kvOps] [keys] [clients] [registerOps]</c>.
/// </summary>
public sealed class LinearizabilityBenchmark : IBenchmark
{
    public string Name => "lin-check";

    public string Description => "linearizability checker: ms to check a 5,000-op KV history over 20 keys, and a long register history";

    public Task<int> RunAsync(string[] args)
    {
        var kvOps = ArgOr(args, 0, 5000);
        var keys = ArgOr(args, 1, 20);
        var clients = ArgOr(args, 2, 10);
        var registerOps = ArgOr(args, 3, 20000);

        var kv = KvHistory(seed: 42, clients, keys, kvOps);
        Report($"kv {kvOps} ops / {keys} keys / {clients} clients", () => LinearizabilityChecker.Check(new KvModel(), kv));

        var register = RegisterHistory(seed: 43, clients, registerOps);
        Report($"register {registerOps} ops / 1 partition / {clients} clients", () => LinearizabilityChecker.Check(new RegisterModel<long>(), register));
        return Task.FromResult(0);
    }

    private static void Report(string label, Func<CheckResult> check)
    {
        var first = check();
        if (!first.IsOk)
        {
            Console.WriteLine($"{label}: unexpected {first.Outcome}: {first.Explain()}");
            return;
        }

        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var sw = Stopwatch.StartNew();
            check();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: median {times[times.Count / 2]:F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms (7 runs after a warm-up)"));
    }

    private static int ArgOr(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;

    /// <summary>Intervals per client with a random effect point inside each; outputs computed in effect order.</summary>
    private static (int Client, long Call, long Effect, long Return)[] Intervals(Random rng, int clients, int count)
    {
        var next = new long[clients];
        var intervals = new (int, long, long, long)[count];
        for (var i = 0; i < count; i++)
        {
            var c = rng.Next(clients);
            var call = next[c] + rng.Next(4);
            var effect = call + rng.Next(8);
            var ret = effect + rng.Next(8);
            next[c] = ret + 1;
            intervals[i] = (c, call, effect, ret);
        }

        return intervals;
    }

    private static IEnumerable<int> EffectOrder((int Client, long Call, long Effect, long Return)[] intervals) =>
        Enumerable.Range(0, intervals.Length).OrderBy(i => intervals[i].Effect).ThenBy(i => i);

    private static Operation<KvInput, KvOutput>[] KvHistory(int seed, int clients, int keys, int count)
    {
        var rng = new Random(seed);
        var intervals = Intervals(rng, clients, count);
        var store = new Dictionary<string, (string Value, long Version)>();
        long index = 0;
        var ops = new Operation<KvInput, KvOutput>[count];
        foreach (var i in EffectOrder(intervals))
        {
            var key = "k" + rng.Next(keys).ToString(CultureInfo.InvariantCulture);
            var (client, call, _, ret) = intervals[i];
            KvInput input;
            KvOutput output;
            if (rng.Next(2) == 0)
            {
                input = KvInput.Get(key);
                output = store.TryGetValue(key, out var current) ? KvOutput.Found(current.Value, current.Version) : KvOutput.NotFound;
            }
            else
            {
                index++;
                input = KvInput.Put(key, "v" + index.ToString(CultureInfo.InvariantCulture));
                store[key] = (input.Value!, index);
                output = KvOutput.Written(index);
            }

            ops[i] = Operation.Completed(client, input, call, output, ret);
        }

        return ops;
    }

    private static Operation<RegisterInput<long>, RegisterOutput<long>>[] RegisterHistory(int seed, int clients, int count)
    {
        var rng = new Random(seed);
        var intervals = Intervals(rng, clients, count);
        long value = 0;
        var ops = new Operation<RegisterInput<long>, RegisterOutput<long>>[count];
        foreach (var i in EffectOrder(intervals))
        {
            var (client, call, _, ret) = intervals[i];
            ops[i] = rng.Next(2) == 0
                ? Operation.Completed(client, RegisterInput<long>.Read(), call, RegisterOutput<long>.ReadValue(value), ret)
                : Operation.Completed(client, RegisterInput<long>.Write(value = i + 1), call, RegisterOutput<long>.Written, ret);
        }

        return ops;
    }
}
