using DistSync.Linearizability.Models;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// Linearizable histories by construction: clients issue operations with random overlapping intervals, each
/// operation takes effect at a random point inside its interval on a sequential object, and its output is
/// whatever the object answered there. Seeded, so every history replays.
/// </summary>
internal static class SimulatedHistories
{
    /// <summary>A value no simulated write ever uses, for corrupting reads.</summary>
    public const int NeverWritten = -1;

    public static Operation<RegisterInput<int>, RegisterOutput<int>>[] Register(int seed, int clients, int operations, double timeoutRate)
    {
        var rng = new Random(seed);
        var plan = Plan(rng, clients, operations);
        var value = 0;
        var nextValue = 1;
        var ops = new Operation<RegisterInput<int>, RegisterOutput<int>>[operations];
        foreach (var p in plan.OrderBy(p => p.EffectTime).ThenBy(p => p.Index))
        {
            var roll = rng.NextDouble();
            var input = roll < 0.5 ? RegisterInput<int>.Read()
                : roll < 0.85 ? RegisterInput<int>.Write(nextValue++)
                : RegisterInput<int>.CompareAndSet(rng.Next(2) == 0 ? value : Math.Max(0, nextValue - 3), nextValue++);
            RegisterOutput<int> output;
            var timedOut = rng.NextDouble() < timeoutRate;
            var takesEffect = !timedOut || rng.Next(2) == 0;
            switch (input.Kind)
            {
                case RegisterOperationKind.Read:
                    output = RegisterOutput<int>.ReadValue(value);
                    break;
                case RegisterOperationKind.Write:
                    value = takesEffect ? input.Value : value;
                    output = RegisterOutput<int>.Written;
                    break;
                default:
                    var swapped = takesEffect && value == input.Expected;
                    value = swapped ? input.Value : value;
                    output = RegisterOutput<int>.CompareAndSetResult(swapped);
                    break;
            }

            ops[p.Index] = timedOut
                ? Operation<RegisterInput<int>, RegisterOutput<int>>.Unknown(p.Client, input, p.CallTime)
                : Operation<RegisterInput<int>, RegisterOutput<int>>.Completed(p.Client, input, p.CallTime, output, p.ReturnTime);
        }

        return ops;
    }

    public static Operation<KvInput, KvOutput>[] Kv(int seed, int clients, int keys, int operations, double timeoutRate)
    {
        var rng = new Random(seed);
        var plan = Plan(rng, clients, operations);
        var store = new Dictionary<string, (string Value, long Version)>();
        long raftIndex = 0;
        var nextValue = 1;
        var ops = new Operation<KvInput, KvOutput>[operations];
        foreach (var p in plan.OrderBy(p => p.EffectTime).ThenBy(p => p.Index))
        {
            var key = "k" + rng.Next(keys);
            var exists = store.TryGetValue(key, out var current);
            var roll = rng.NextDouble();
            var input = roll < 0.5 ? KvInput.Get(key)
                : roll < 0.8 ? KvInput.Put(key, "v" + nextValue++)
                : roll < 0.9 ? KvInput.CompareAndSet(key, "v" + nextValue++, rng.Next(3) switch { 0 => 0, 1 => current.Version, _ => Math.Max(1, raftIndex - 1) })
                : KvInput.Delete(key);
            var timedOut = rng.NextDouble() < timeoutRate;
            var takesEffect = !timedOut || rng.Next(2) == 0;
            KvOutput output;
            switch (input.Kind)
            {
                case KvOperationKind.Get:
                    output = exists ? KvOutput.Found(current.Value, current.Version) : KvOutput.NotFound;
                    break;
                case KvOperationKind.Put:
                    var matches = input.ExpectedVersion is not { } expected || (expected == 0 ? !exists : exists && current.Version == expected);
                    if (matches && takesEffect)
                    {
                        raftIndex += 1 + rng.Next(3); // other groups' entries leave gaps in the version numbers
                        store[key] = (input.Value!, raftIndex);
                        output = KvOutput.Written(raftIndex);
                    }
                    else
                    {
                        output = KvOutput.VersionMismatch;
                    }

                    break;
                default:
                    output = KvOutput.Deleted(exists);
                    if (takesEffect)
                    {
                        raftIndex++;
                        store.Remove(key);
                    }

                    break;
            }

            ops[p.Index] = timedOut
                ? Operation<KvInput, KvOutput>.Unknown(p.Client, input, p.CallTime)
                : Operation<KvInput, KvOutput>.Completed(p.Client, input, p.CallTime, output, p.ReturnTime);
        }

        return ops;
    }

    /// <summary>
    /// A write-back cache history, sequentially consistent per key by construction but usually not linearizable:
    /// every client sees the cache <c>lag</c> time units behind (a random lag per client, up to
    /// <paramref name="maxLag"/>). Operations take effect in the order of (effect time + their client's lag), which
    /// keeps each client's program order; real times are the unshifted intervals. Written values are unique.
    /// </summary>
    public static Operation<CacheInput, CacheOutput>[] Cache(int seed, int clients, int keys, int operations, double timeoutRate, int maxLag)
    {
        var rng = new Random(seed);
        var plan = Plan(rng, clients, operations);
        var lag = Enumerable.Range(0, clients).Select(_ => (long)rng.Next(maxLag + 1)).ToArray();
        var store = new Dictionary<string, string>();
        var nextValue = 1;
        var ops = new Operation<CacheInput, CacheOutput>[operations];
        foreach (var p in plan.OrderBy(p => p.EffectTime + lag[p.Client]).ThenBy(p => p.Index))
        {
            var key = "k" + rng.Next(keys);
            var roll = rng.NextDouble();
            var input = roll < 0.6 ? CacheInput.Read(key)
                : roll < 0.9 ? CacheInput.Write(key, "v" + nextValue++)
                : CacheInput.Invalidate(key);
            var timedOut = rng.NextDouble() < timeoutRate;
            var takesEffect = !timedOut || rng.Next(2) == 0;
            CacheOutput output;
            switch (input.Kind)
            {
                case CacheOperationKind.Read:
                    output = store.TryGetValue(key, out var value) ? CacheOutput.Found(value) : CacheOutput.NotFound;
                    break;
                case CacheOperationKind.Write when rng.Next(20) == 0:
                    output = CacheOutput.Rejected;
                    break;
                case CacheOperationKind.Write:
                    if (takesEffect)
                    {
                        store[key] = input.Value!;
                    }

                    output = CacheOutput.Written;
                    break;
                default:
                    if (takesEffect)
                    {
                        store.Remove(key);
                    }

                    output = CacheOutput.Invalidated;
                    break;
            }

            ops[p.Index] = timedOut
                ? Operation<CacheInput, CacheOutput>.Unknown(p.Client, input, p.CallTime)
                : Operation<CacheInput, CacheOutput>.Completed(p.Client, input, p.CallTime, output, p.ReturnTime);
        }

        return ops;
    }

    /// <summary>
    /// Makes a client go back in time on one key: for the <paramref name="nth"/> client and key where the client read
    /// "a", then another value "b", then something else, the third read now returns "a". Written values are unique,
    /// so "a" cannot come back after "b": no order is sequentially consistent. Returns the changed read's position.
    /// </summary>
    public static int CorruptCacheReadToEarlierValue(Operation<CacheInput, CacheOutput>[] ops, int nth)
    {
        var candidates = new List<(int Index, string Value)>();
        foreach (var stream in Enumerable.Range(0, ops.Length)
                     .Where(i => ops[i].Input.Kind == CacheOperationKind.Read && ops[i].Output.IsKnown && ops[i].Output.Value.Ok)
                     .GroupBy(i => (ops[i].ClientId, ops[i].Input.Key)))
        {
            var reads = stream.OrderBy(i => ops[i].CallTime).ToArray();
            for (var j = 2; j < reads.Length; j++)
            {
                var a = ops[reads[j - 2]].Output.Value.Value!;
                if (a != ops[reads[j - 1]].Output.Value.Value && a != ops[reads[j]].Output.Value.Value)
                {
                    candidates.Add((reads[j], a));
                    break;
                }
            }
        }

        var (i, value) = candidates.OrderBy(c => c.Index).ElementAt(nth % candidates.Count);
        ops[i] = Operation<CacheInput, CacheOutput>.Completed(
            ops[i].ClientId, ops[i].Input, ops[i].CallTime, CacheOutput.Found(value), ops[i].ReturnTime);
        return i;
    }

    /// <summary>Replaces the output of the <paramref name="nth"/> completed read that found a value with a value never written.</summary>
    public static int CorruptRead(Operation<RegisterInput<int>, RegisterOutput<int>>[] ops, int nth)
    {
        var reads = Enumerable.Range(0, ops.Length)
            .Where(i => ops[i].Input.Kind == RegisterOperationKind.Read && ops[i].Output.IsKnown && ops[i].Output.Value.Value != 0)
            .ToArray();
        var i = reads[nth % reads.Length];
        ops[i] = Operation<RegisterInput<int>, RegisterOutput<int>>.Completed(
            ops[i].ClientId, ops[i].Input, ops[i].CallTime, RegisterOutput<int>.ReadValue(NeverWritten), ops[i].ReturnTime);
        return i;
    }

    /// <summary>Replaces the value of the <paramref name="nth"/> completed get that found a key with a value never written.</summary>
    public static int CorruptGet(Operation<KvInput, KvOutput>[] ops, int nth)
    {
        var gets = Enumerable.Range(0, ops.Length)
            .Where(i => ops[i].Input.Kind == KvOperationKind.Get && ops[i].Output.IsKnown && ops[i].Output.Value.Ok)
            .ToArray();
        var i = gets[nth % gets.Length];
        var seen = ops[i].Output.Value;
        ops[i] = Operation<KvInput, KvOutput>.Completed(
            ops[i].ClientId, ops[i].Input, ops[i].CallTime, KvOutput.Found("never-written", seen.Version), ops[i].ReturnTime);
        return i;
    }

    private static List<Planned> Plan(Random rng, int clients, int operations)
    {
        var cursor = new long[clients];
        var plan = new List<Planned>(operations);
        for (var i = 0; i < operations; i++)
        {
            var client = rng.Next(clients);
            var call = cursor[client] + rng.Next(0, 4);
            var effect = call + rng.Next(0, 8);
            var ret = effect + rng.Next(0, 8);
            cursor[client] = ret + 1;
            plan.Add(new Planned(i, client, call, effect, ret));
        }

        return plan;
    }

    private readonly record struct Planned(int Index, int Client, long CallTime, long EffectTime, long ReturnTime);
}
