using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.KvInput, DistSync.Linearizability.Models.KvOutput>;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// <see cref="KvTxnModel"/> under the checker against the definition: some order of all operations, respecting
/// real time, in which a plain store (<see cref="KvReferenceStore"/>) gives every answer, entry versions strictly
/// grow and revisions never go back. A timed-out operation may be left out, or take effect with any version.
/// Small random histories over two keys are made by running a real order and then often corrupting one answer.
/// With every answer known the verdicts must be equal; with timed-out operations the model may be lenient
/// (unknown versions are not bounded above or tied within a txn), so only "the model refuses ⇒ no order exists".
/// </summary>
public class KvTxnAgreesWithBruteForceSpec
{
    private static readonly string[] Values = ["0", "1"];

    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        for (var block = 0; block < 8; block++)
        {
            data.Add(block);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_txn_model_agrees_with_trying_every_order(int block)
    {
        var model = new KvTxnModel();
        var verdicts = new int[2];
        var withUnknowns = 0;
        var lenient = 0;
        for (var seed = block * 150; seed < block * 150 + 150; seed++)
        {
            var history = RandomHistory(new Random(seed));
            var observed = Observed(history);

            var exists = ExistsOrder(history, new bool[history.Length], new KvReferenceStore(), 0, observed);
            var actual = LinearizabilityChecker.Check(model, history, TimeSpan.FromSeconds(10)).Outcome;
            var exact = history.All(o => o.Output.IsKnown);

            var text = $"seed {seed}: brute force {(exists ? "finds an order" : "finds none")}, checker says {actual}\n{string.Join("\n", history.Select(o => o.ToString()))}";
            Assert.True(actual != CheckOutcome.Unknown, text);
            Assert.True(!exists || actual == CheckOutcome.Ok, text);
            Assert.True(exists || !exact || actual == CheckOutcome.Illegal, text);
            verdicts[exists ? 0 : 1]++;
            lenient += !exists && actual == CheckOutcome.Ok ? 1 : 0;
            withUnknowns += exact ? 0 : 1;
        }

        // Both verdicts occur, and timed-out operations too, so the comparison means something.
        Assert.All(verdicts, count => Assert.True(count > 20, $"ok/illegal split {verdicts[0]}/{verdicts[1]}"));
        Assert.True(withUnknowns > 10, $"{withUnknowns} histories with timed-out operations");
        Assert.True(lenient < withUnknowns / 2, $"accepted {lenient} of the {withUnknowns} histories with timed-out operations that have no order");
    }

    private static Op[] RandomHistory(Random rng)
    {
        var count = rng.Next(2, 7);
        var clients = rng.Next(1, 4);
        var next = new long[clients];
        var calls = new (int Client, KvInput Input, long Call, long Return, double Point)[count];
        for (var i = 0; i < count; i++)
        {
            var client = rng.Next(clients);
            var call = next[client] + rng.Next(3);
            var ret = call + rng.Next(6);
            next[client] = ret + 1;
            // The first operation reads both keys, so the model checks the history as one part, as the brute force does.
            var input = i == 0 ? KvInput.RangeRead(KvRange.WithPrefix("", limit: rng.Next(3))) : RandomInput(rng);
            calls[i] = (client, input, call, ret, call + rng.NextDouble() * (ret - call));
        }

        // Run the operations at random points inside their intervals against the plain store.
        var store = new KvReferenceStore();
        var outputs = new KvOutput?[count];
        long index = 0;
        foreach (var i in Enumerable.Range(0, count).OrderBy(i => calls[i].Point))
        {
            if (rng.Next(12) == 0)
            {
                continue; // lost before taking effect
            }

            var isEntry = calls[i].Input.Kind is KvOperationKind.Put or KvOperationKind.Txn;
            index += isEntry ? 1 + rng.Next(2) : 0;
            outputs[i] = store.Execute(calls[i].Input, index, index);
        }

        var corrupt = rng.Next(2) == 0 ? rng.Next(count) : -1;
        var ops = new Op[count];
        for (var i = 0; i < count; i++)
        {
            var (client, input, call, ret, _) = calls[i];
            var output = outputs[i];
            if (output is null || rng.Next(8) == 0)
            {
                ops[i] = Op.Unknown(client, input, call);
                continue;
            }

            ops[i] = Op.Completed(client, input, call, i == corrupt ? Corrupt(rng, output) : output, ret);
        }

        return ops;
    }

    private static KvInput RandomInput(Random rng)
    {
        string Key() => rng.Next(2) == 0 ? "a" : "b";
        string Value() => Values[rng.Next(Values.Length)];
        switch (rng.Next(6))
        {
            case 0:
                return KvInput.Get(Key());
            case 1:
                return KvInput.Put(Key(), Value());
            case 2:
                return KvInput.RangeRead(KvRange.WithPrefix("", limit: rng.Next(3), after: rng.Next(3) == 0 ? "a" : null));
        }

        var compares = new List<KvCompare>();
        for (var c = rng.Next(3); c > 0; c--)
        {
            var op = (KvCompareOp)rng.Next(4);
            compares.Add(rng.Next(4) switch
            {
                0 => KvCompare.Version(Key(), rng.Next(5), op),
                1 => KvCompare.CreateVersion(Key(), rng.Next(5), op),
                2 => KvCompare.Value(Key(), Value(), op),
                _ => KvCompare.Exists(Key(), rng.Next(2) == 0, (KvCompareOp)rng.Next(2)),
            });
        }

        List<KvTxnOp> Branch(int n) => Enumerable.Range(0, n).Select(_ => rng.Next(6) switch
        {
            < 2 => KvTxnOp.Put(Key(), Value()),
            < 4 => KvTxnOp.Get(Key()),
            4 => KvTxnOp.Delete(Key()),
            _ => KvTxnOp.DeletePrefix(rng.Next(2) == 0 ? "" : "a"),
        }).ToList();

        return KvInput.Transaction(new KvTxn(compares, Branch(1 + rng.Next(2)), Branch(rng.Next(2))));
    }

    private static KvOutput Corrupt(Random rng, KvOutput output)
    {
        if (output.Txn is { } txn)
        {
            return rng.Next(3) switch
            {
                0 => KvOutput.Transaction(txn with { Version = txn.Version - 1 }),
                1 when txn.Results.Count > 0 => KvOutput.Transaction(txn with
                {
                    Results = txn.Results.Select((r, i) => i != 0 ? r
                        : r.Kind == KvTxnOpKind.Get ? (r.Found ? r with { Value = r.Value == "0" ? "1" : "0" } : KvTxnOpResult.GetFound("0", 1, 1))
                        : r.Kind == KvTxnOpKind.Delete ? r with { Deleted = 1 - r.Deleted } : r with { Version = r.Version + 1 }).ToList(),
                }),
                _ => KvOutput.Transaction(new KvTxnResult(!txn.Succeeded, txn.Version, txn.Results)),
            };
        }

        if (output.Range is { } range)
        {
            return rng.Next(3) switch
            {
                0 when range.Kvs.Count > 0 => KvOutput.RangeResult(range with { Kvs = range.Kvs.Skip(1).ToList() }),
                1 => KvOutput.RangeResult(range with { More = !range.More }),
                _ => KvOutput.RangeResult(range with { Revision = Math.Max(1, range.Revision - 1) }),
            };
        }

        return output.Ok && output.Value is { } value
            ? (rng.Next(2) == 0 ? KvOutput.Found(value == "0" ? "1" : "0", output.Version, output.CreateVersion) : output with { Version = output.Version + 1 })
            : output.Ok ? output with { Version = Math.Max(1, output.Version - 1) } : KvOutput.Found("0", 1, 1);
    }

    /// <summary>Every version some answer mentions: the only ones a timed-out write's version could matter as.</summary>
    private static long[] Observed(Op[] history)
    {
        var versions = new SortedSet<long>();
        foreach (var op in history.Where(o => o.Output.IsKnown))
        {
            var o = op.Output.Value;
            versions.Add(o.Version);
            versions.Add(o.CreateVersion);
            foreach (var r in o.Txn?.Results ?? [])
            {
                versions.Add(r.Version);
                versions.Add(r.CreateVersion);
            }

            foreach (var item in o.Range?.Kvs ?? [])
            {
                versions.Add(item.Version);
                versions.Add(item.CreateVersion);
            }

            versions.Add(o.Range?.Revision ?? 0);
        }

        return versions.Where(v => v > 0).ToArray();
    }

    private static bool ExistsOrder(Op[] ops, bool[] done, KvReferenceStore store, int placed, long[] observed)
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

            done[i] = true;
            var found = Successors(ops[i], store, observed).Any(s => ExistsOrder(ops, done, s, placed + 1, observed));
            done[i] = false;
            if (found)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The stores <paramref name="op"/> can leave when it comes next.</summary>
    private static IEnumerable<KvReferenceStore> Successors(Op op, KvReferenceStore store, long[] observed)
    {
        var isEntry = op.Input.Kind is KvOperationKind.Put or KvOperationKind.Txn;
        if (!op.Output.TryGetValue(out var output))
        {
            yield return store; // never took effect
            if (!isEntry)
            {
                yield break;
            }

            // The smallest legal version stands for every version no answer mentions.
            foreach (var version in observed.Where(v => v > store.MinNext).Prepend(store.MinNext))
            {
                var s = store.Clone();
                s.Execute(op.Input, version);
                s.MinNext = version + 1;
                yield return s;
            }

            yield break;
        }

        if (isEntry)
        {
            if (output.Version < store.MinNext)
            {
                yield break;
            }

            var s = store.Clone();
            if (KvReferenceStore.SameOutput(s.Execute(op.Input, output.Version), output))
            {
                s.MinNext = output.Version + 1;
                yield return s;
            }

            yield break;
        }

        var revision = output.Range?.Revision ?? 0;
        if (!KvReferenceStore.SameOutput(store.Execute(op.Input, 0, revision), output) || (revision != 0 && revision < store.MinNext - 1))
        {
            yield break;
        }

        var after = store.Clone();
        after.MinNext = Math.Max(store.MinNext, revision + 1);
        yield return after;
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
