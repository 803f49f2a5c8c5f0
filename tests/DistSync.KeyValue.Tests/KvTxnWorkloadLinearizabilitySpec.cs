using System.Globalization;
using DistSync.KeyValue.Wire;
using DistSync.Linearizability;
using DistSync.Linearizability.Models;
using Model = DistSync.Linearizability.Models;

namespace DistSync.KeyValue.Tests;

/// <summary>
/// Seeded random workloads of transactions, range reads, range deletes and single-key operations over a few keys:
/// simulated clients with overlapping calls, each command applied to the real <see cref="KvStateMachine"/> at a
/// random point inside its call interval (some answers lost, some lost commands never applied). The recorded
/// history must be linearizable with <see cref="KvTxnModel"/>.
/// </summary>
public class KvTxnWorkloadLinearizabilitySpec
{
    private static readonly string[] Keys = ["a", "b", "p/1", "p/2"];

    private sealed class Pending(KvInput input, PendingCall call)
    {
        public KvInput Input { get; } = input;
        public PendingCall Call { get; } = call;
        public KvOutput? Output { get; set; }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_seeded_txn_workload_yields_a_linearizable_history(int seed)
    {
        var history = RunWorkload(seed, new KvStateMachine());

        var result = LinearizabilityChecker.Check(new KvTxnModel(), history, TimeSpan.FromSeconds(30));

        Assert.True(result.IsOk, result.Explain());
        Assert.True(history.Count > 250, $"{history.Count} operations");
        // The workload connects all keys into one part, and exercises both branches and lost answers.
        Assert.Single(result.Partitions);
        var txns = history.Where(o => o.Input.Kind == KvOperationKind.Txn && o.Output.IsKnown).Select(o => o.Output.Value.Txn!).ToList();
        Assert.Contains(txns, t => t.Succeeded);
        Assert.Contains(txns, t => !t.Succeeded);
        Assert.Contains(history, o => o.IsOutputUnknown);
        Assert.Contains(history, o => o.Input.Kind == KvOperationKind.Range && o.Output.IsKnown && o.Output.Value.Range!.More);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_model_accepts_the_order_the_store_applied_step_by_step(int seed)
    {
        // The model and the store agree on every answer in the store's own order: a disagreement names the step.
        var applied = new List<(KvInput, KvOutput)>();
        RunWorkload(seed, new KvStateMachine(), applied);
        var model = new KvTxnModel();
        var state = model.Init();
        for (var i = 0; i < applied.Count; i++)
        {
            var (input, output) = applied[i];
            var (ok, next) = model.Step(state, input, Observed<KvOutput>.Of(output));
            Assert.True(ok, $"step {i}: {model.DescribeOperation(input, Observed<KvOutput>.Of(output))} refused in {state}");
            state = next;
        }

        Assert.True(applied.Count > 100);
    }

    [Fact]
    public void The_checker_would_notice_txns_that_took_the_wrong_branch()
    {
        // Guards the spec above: the same real history with succeeded txns reported as failed (their failure
        // branch empty, so the answers stay well-formed) is illegal.
        var history = RunWorkload(1, new KvStateMachine()).ToList();
        var flipped = 0;
        for (var i = 0; i < history.Count; i++)
        {
            var op = history[i];
            if (op.Input.Kind == KvOperationKind.Txn && op.Output.IsKnown && op.Output.Value.Txn!.Succeeded
                && op.Input.Txn!.Compares.Count > 0 && op.Input.Txn.Failure.Count == 0)
            {
                var wrong = new KvTxnResult(false, op.Output.Value.Txn.Version, []);
                history[i] = Operation<KvInput, KvOutput>.Completed(op.ClientId, op.Input, op.CallTime, KvOutput.Transaction(wrong), op.ReturnTime);
                flipped++;
            }
        }

        var result = LinearizabilityChecker.Check(new KvTxnModel(), history, TimeSpan.FromSeconds(30));

        Assert.True(flipped > 0);
        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
    }

    /// <summary>The seeded workload's history; <paramref name="applied"/> gets each command with its answer in the order the store applied them.</summary>
    private static IReadOnlyList<Operation<KvInput, KvOutput>> RunWorkload(int seed, KvStateMachine kv, List<(KvInput, KvOutput)>? applied = null)
    {
        var random = new Random(seed);
        var clock = 0L;
        var recorder = new HistoryRecorder<KvInput, KvOutput>(() => ++clock);
        var pending = new Pending?[5];
        var seen = new Dictionary<string, (long Version, long Create)>();
        long index = 0;

        for (var step = 0; step < 900; step++)
        {
            var client = random.Next(pending.Length);
            var p = pending[client];
            if (p is null)
            {
                var input = NextInput(random, seen);
                pending[client] = new Pending(input, recorder.Call(client, input));
            }
            else if (p.Output is null)
            {
                // The command takes effect now (a few never do: their answers are lost with them).
                if (random.Next(40) == 0)
                {
                    recorder.TimedOut(p.Call);
                    pending[client] = null;
                    continue;
                }

                index += 1 + random.Next(3); // other groups' entries take indexes too
                p.Output = Execute(kv, index, p.Input);
                applied?.Add((p.Input, p.Output));
                Remember(seen, p.Input, p.Output);
            }
            else
            {
                // The answer arrives (or is lost after the effect).
                if (random.Next(30) == 0) recorder.TimedOut(p.Call);
                else recorder.Return(p.Call, p.Output);
                pending[client] = null;
            }
        }

        return recorder.ToHistory();
    }

    private static KvInput NextInput(Random random, Dictionary<string, (long Version, long Create)> seen)
    {
        string Key() => Keys[random.Next(Keys.Length)];
        string Value() => random.Next(4).ToString(CultureInfo.InvariantCulture);
        return random.Next(20) switch
        {
            < 3 => KvInput.Get(Key()),
            < 5 => KvInput.Put(Key(), Value()),
            5 => KvInput.CompareAndSet(Key(), Value(), 0),
            6 => KvInput.Delete(Key()),
            < 10 => KvInput.RangeRead(random.Next(4) switch
            {
                < 2 => KvRange.WithPrefix("", limit: 1 + random.Next(2), after: random.Next(3) == 0 ? "a" : null),
                2 => KvRange.WithPrefix("p/", after: random.Next(2) == 0 ? null : "p/1"),
                _ => KvRange.Between("a", "p/2", limit: 2),
            }),
            10 when random.Next(2) == 0 => KvInput.DeleteRange(KvRange.WithPrefix("p/")),
            _ => KvInput.Transaction(NextTxn(random, seen, Key, Value)),
        };
    }

    private static KvTxn NextTxn(Random random, Dictionary<string, (long Version, long Create)> seen, Func<string> key, Func<string> value)
    {
        var compares = new List<KvCompare>();
        for (var c = random.Next(3); c > 0; c--)
        {
            var k = key();
            var (version, create) = seen.GetValueOrDefault(k);
            var op = (KvCompareOp)random.Next(4);
            compares.Add(random.Next(5) switch
            {
                0 => KvCompare.Version(k, Math.Max(0, version + random.Next(-1, 2)), op),
                1 => KvCompare.Version(k, version, KvCompareOp.Equal),
                2 => KvCompare.CreateVersion(k, Math.Max(0, create + random.Next(-1, 2)), op),
                3 => KvCompare.Value(k, value(), op),
                _ => KvCompare.Exists(k, random.Next(2) == 0, (KvCompareOp)random.Next(2)),
            });
        }

        List<KvTxnOp> Branch(int count)
        {
            var ops = new List<KvTxnOp>();
            for (var i = 0; i < count; i++)
            {
                ops.Add(random.Next(8) switch
                {
                    < 3 => KvTxnOp.Put(key(), value()),
                    < 6 => KvTxnOp.Get(key()),
                    6 => KvTxnOp.Delete(key()),
                    _ => KvTxnOp.DeletePrefix("p/"),
                });
            }

            return ops;
        }

        return new KvTxn(compares, Branch(1 + random.Next(3)), Branch(random.Next(3)));
    }

    private static void Remember(Dictionary<string, (long Version, long Create)> seen, KvInput input, KvOutput output)
    {
        // Compares aim near versions clients have seen, so both branches run.
        if (input.Kind == KvOperationKind.Get && output.Ok)
        {
            seen[input.Key] = (output.Version, output.CreateVersion);
        }
        else if (input.Kind == KvOperationKind.Txn)
        {
            var ops = output.Txn!.Succeeded ? input.Txn!.Success : input.Txn!.Failure;
            for (var i = 0; i < ops.Count; i++)
            {
                if (output.Txn.Results[i] is { Kind: Model.KvTxnOpKind.Get, Found: true } r)
                {
                    seen[ops[i].Key] = (r.Version, r.CreateVersion);
                }
            }
        }
    }

    private static KvOutput Execute(KvStateMachine kv, long index, KvInput input)
    {
        switch (input.Kind)
        {
            case KvOperationKind.Get:
                return kv.Get(input.Key) is { } v ? KvOutput.Found(v.Value, v.Version, v.CreateVersion) : KvOutput.NotFound;
            case KvOperationKind.Range:
                var range = input.Range!;
                var page = kv.Range(ToKeyRange(range), range.After, range.Limit == 0 ? KvStateMachine.MaxRangeLimit : range.Limit);
                var kvs = page.Items.Select(i => new KvRangeItem(i.Key, i.Value.Value, i.Value.Version, i.Value.CreateVersion)).ToList();
                return KvOutput.RangeResult(new KvRangeResult(kvs, page.More, kv.LastAppliedIndex));
        }

        var result = kv.Apply(index, index, 0, 0, ToCommand(input));
        return result.ResultCase switch
        {
            KvResult.ResultOneofCase.Written => KvOutput.Written(result.Written.Version),
            KvResult.ResultOneofCase.VersionMismatch => KvOutput.VersionMismatch,
            KvResult.ResultOneofCase.Deleted => KvOutput.Deleted(result.Deleted.Existed),
            KvResult.ResultOneofCase.DeletedRange => KvOutput.DeletedRange(result.DeletedRange.Deleted, result.DeletedRange.Version),
            KvResult.ResultOneofCase.Txn => KvOutput.Transaction(FromWire(result.Txn)),
            _ => throw new InvalidOperationException($"unexpected result {result} for {input}"),
        };
    }

    private static KvCommand ToCommand(KvInput input) => input.Kind switch
    {
        KvOperationKind.Put => KvCommands.Put(input.Key, input.Value!, input.ExpectedVersion),
        KvOperationKind.Delete => KvCommands.Delete(input.Key),
        KvOperationKind.DeleteRange => KvCommands.DeleteRange(ToKeyRange(input.Range!)),
        _ => KvCommands.Txn(KvCommands.MakeTxn(
            input.Txn!.Compares.Select(ToWire), input.Txn.Success.Select(ToWire), input.Txn.Failure.Select(ToWire))),
    };

    private static KvKeyRange ToKeyRange(KvRange range) =>
        range.Prefix is not null ? KvKeyRange.WithPrefix(range.Prefix) : KvKeyRange.Between(range.From, range.To);

    private static Compare ToWire(KvCompare c)
    {
        var op = (CompareOp)(int)c.Op;
        return c.Target switch
        {
            KvCompareTarget.Version => KvCommands.CompareVersion(c.Key, c.Number, op),
            KvCompareTarget.CreateVersion => KvCommands.CompareCreateVersion(c.Key, c.Number, op),
            KvCompareTarget.Value => KvCommands.CompareValue(c.Key, c.Text!, op),
            _ => KvCommands.CompareExists(c.Key, c.Flag, op),
        };
    }

    private static TxnOp ToWire(Model.KvTxnOp op) => op.Kind switch
    {
        Model.KvTxnOpKind.Put => KvCommands.TxnPut(op.Key, op.Value!),
        Model.KvTxnOpKind.Delete => KvCommands.TxnDelete(op.Key),
        Model.KvTxnOpKind.DeletePrefix => KvCommands.TxnDeleteRange(KvKeyRange.WithPrefix(op.Key)),
        _ => KvCommands.TxnGet(op.Key),
    };

    private static KvTxnResult FromWire(TxnResult txn) => new(
        txn.Succeeded,
        txn.Version,
        txn.Results.Select(r => r.ResultCase switch
        {
            TxnOpResult.ResultOneofCase.Put => KvTxnOpResult.Put(r.Put.Version),
            TxnOpResult.ResultOneofCase.Delete => KvTxnOpResult.Delete(r.Delete.Deleted),
            _ => r.Get.Found ? KvTxnOpResult.GetFound(r.Get.Value, r.Get.Version, r.Get.CreateVersion) : KvTxnOpResult.GetMissing,
        }).ToList());
}
