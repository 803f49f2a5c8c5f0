using DistSync.Linearizability.Models;
using In = DistSync.Linearizability.Models.RegisterInput<int>;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.RegisterInput<int>, DistSync.Linearizability.Models.RegisterOutput<int>>;
using Out = DistSync.Linearizability.Models.RegisterOutput<int>;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// The memoised just-in-time search must give exactly the verdict of the definition: some order of all
/// operations, respecting real time (a before b when a returns strictly before b is called), that the model
/// accepts step by step. Small random histories, mostly not linearizable, are judged both ways.
/// </summary>
public class SearchAgreesWithBruteForceSpec
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var block = 0; block < 10; block++)
        {
            data.Add(block);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_search_agrees_with_trying_every_order(int block)
    {
        var model = new RegisterModel<int>();
        var verdicts = new int[2];
        for (var seed = block * 100; seed < block * 100 + 100; seed++)
        {
            var history = RandomHistory(new Random(seed));

            var expected = ExistsOrder(model, history, new bool[history.Length], model.Init(), 0) ? CheckOutcome.Ok : CheckOutcome.Illegal;
            var actual = LinearizabilityChecker.Check(model, history).Outcome;

            Assert.True(expected == actual, $"seed {seed}: brute force says {expected}, search says {actual}\n{string.Join("\n", history.Select(o => o.ToString()))}");
            verdicts[expected == CheckOutcome.Ok ? 0 : 1]++;
        }

        // Both verdicts occur, so the comparison means something.
        Assert.All(verdicts, count => Assert.True(count > 5, $"ok/illegal split {verdicts[0]}/{verdicts[1]}"));
    }

    private static Op[] RandomHistory(Random rng)
    {
        var count = rng.Next(1, 8);
        var clients = rng.Next(1, 4);
        var next = new long[clients];
        var ops = new Op[count];
        for (var i = 0; i < count; i++)
        {
            var client = rng.Next(clients);
            var call = next[client] + rng.Next(3);
            var ret = call + rng.Next(6);
            next[client] = ret + 1;
            var input = rng.Next(3) switch
            {
                0 => In.Read(),
                1 => In.Write(rng.Next(1, 3)),
                _ => In.CompareAndSet(rng.Next(3), rng.Next(1, 3)),
            };
            var output = input.Kind switch
            {
                RegisterOperationKind.Read => Out.ReadValue(rng.Next(3)),
                RegisterOperationKind.Write => Out.Written,
                _ => Out.CompareAndSetResult(rng.Next(2) == 0),
            };
            ops[i] = rng.Next(8) == 0 ? Op.Unknown(client, input, call) : Op.Completed(client, input, call, output, ret);
        }

        return ops;
    }

    private static bool ExistsOrder(RegisterModel<int> model, Op[] ops, bool[] done, int state, int placed)
    {
        if (placed == ops.Length)
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
            var found = ExistsOrder(model, ops, done, next, placed + 1);
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
            if (!done[j] && j != candidate && ops[j].ReturnTime < ops[candidate].CallTime)
            {
                return false;
            }
        }

        return true;
    }
}
