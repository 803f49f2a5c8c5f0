using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.CacheInput, DistSync.Linearizability.Models.CacheOutput>;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// The memoised sequential-consistency search, with and without the model's hints (read-only operations,
/// <see cref="IReadWriteModel{TState,TInput,TOutput}"/> for stranded reads), must give exactly the
/// verdict of the definition: for every key, some order of that key's operations that keeps each client's program
/// order (a before b when both are one client's and a returns before b is called), that the model accepts step by
/// step, and that holds every operation with a known output (a timed-out one may be left out: it never took
/// effect). Small random cache histories, with repeated values, refused writes, time-outs and clients whose calls
/// sometimes overlap, are judged every way. Seeded, so every failure replays.
/// </summary>
public class SequentialConsistencyAgreesWithBruteForceSpec
{
    private static readonly string[] Keys = ["a", "b"];
    private static readonly string[] Values = ["1", "2", "3"];

    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        for (var block = 0; block < 10; block++)
        {
            data.Add(block);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_search_agrees_with_trying_every_order(int block)
    {
        var model = new CacheModel();
        var verdicts = new int[2];
        for (var seed = block * 100; seed < block * 100 + 100; seed++)
        {
            var history = RandomHistory(new Random(seed));

            var expected = model.Partition(history).All(part => ExistsOrder(model, part.ToArray(), new bool[part.Count], model.Init()))
                ? CheckOutcome.Ok
                : CheckOutcome.Illegal;
            var actual = SequentialConsistencyChecker.Check(model, history).Outcome;
            var withoutReadOnly = SequentialConsistencyChecker.Check(new CacheModelWithoutReadOnlyHint(), history).Outcome;
            var withoutHints = SequentialConsistencyChecker.Check(new CacheModelWithoutHints(), history).Outcome;
            var linearizable = LinearizabilityChecker.Check(model, history).Outcome;

            var text = string.Join("\n", history.Select(o => o.ToString()));
            Assert.True(expected == actual, $"seed {seed}: brute force says {expected}, search says {actual}\n{text}");
            Assert.True(expected == withoutReadOnly, $"seed {seed}: brute force says {expected}, search without the read-only hint says {withoutReadOnly}\n{text}");
            Assert.True(expected == withoutHints, $"seed {seed}: brute force says {expected}, search without hints says {withoutHints}\n{text}");
            Assert.True(linearizable != CheckOutcome.Ok || actual == CheckOutcome.Ok, $"seed {seed}: linearizable but not sequentially consistent\n{text}");
            verdicts[expected == CheckOutcome.Ok ? 0 : 1]++;
        }

        // Both verdicts occur, so the comparison means something.
        Assert.All(verdicts, count => Assert.True(count > 10, $"ok/illegal split {verdicts[0]}/{verdicts[1]}"));
    }

    private static Op[] RandomHistory(Random rng)
    {
        var count = rng.Next(1, 9);
        var clients = rng.Next(1, 4);
        var keys = rng.Next(1, 3);
        var next = new long[clients];
        var ops = new Op[count];
        for (var i = 0; i < count; i++)
        {
            var client = rng.Next(clients);
            // Now and then a client calls again before its last call returned (no program order between the two).
            var call = rng.Next(6) == 0 ? Math.Max(0, next[client] - 3) : next[client] + rng.Next(3);
            var ret = call + rng.Next(6);
            next[client] = ret + 1;
            var key = Keys[rng.Next(keys)];
            var (input, output) = rng.Next(5) switch
            {
                0 or 1 => (CacheInput.Read(key), rng.Next(4) == 0 ? CacheOutput.NotFound : CacheOutput.Found(Values[rng.Next(Values.Length)])),
                2 or 3 => (CacheInput.Write(key, Values[rng.Next(Values.Length)]), rng.Next(6) == 0 ? CacheOutput.Rejected : CacheOutput.Written),
                _ => (CacheInput.Invalidate(key), CacheOutput.Invalidated),
            };
            ops[i] = rng.Next(8) == 0 ? Op.Unknown(client, input, call) : Op.Completed(client, input, call, output, ret);
        }

        return ops;
    }

    private static bool ExistsOrder(CacheModel model, Op[] ops, bool[] done, CacheKeyState state)
    {
        if (!ops.Where((op, i) => !done[i] && !op.IsOutputUnknown).Any())
        {
            return true;
        }

        for (var i = 0; i < ops.Length; i++)
        {
            if (done[i] || !MayComeNext(ops, done, i))
            {
                continue;
            }

            var (ok, next) = model.Step(state, ops[i].Input, ops[i].Output);
            if (!ok)
            {
                continue;
            }

            done[i] = true;
            var found = ExistsOrder(model, ops, done, next);
            done[i] = false;
            if (found)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MayComeNext(Op[] ops, bool[] done, int candidate)
    {
        for (var j = 0; j < ops.Length; j++)
        {
            if (!done[j] && j != candidate && ops[j].ClientId == ops[candidate].ClientId && ops[j].ReturnTime < ops[candidate].CallTime)
            {
                return false;
            }
        }

        return true;
    }
}
