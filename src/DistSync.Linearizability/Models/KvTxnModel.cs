namespace DistSync.Linearizability.Models;

/// <summary>
/// The key-value store of docs/KV.md over several keys: get, put, compare-and-set, delete, range reads, range
/// deletes and transactions (compares on version / createVersion / value / exists, then one branch of puts,
/// deletes and gets in one entry). Single-key operations are judged as <see cref="KvModel"/> judges them, versions
/// checked. A history is split into groups of keys that no operation connects (a transaction or a range joins
/// the keys it touches), each checked with all its keys in one state.
/// </summary>
/// <remarks>
/// <para>Versions are Raft indexes of the one meta group, which the checker cannot predict: each reported one is
/// accepted if it is at least the state's floor (above every version placed before it, on any key of the part),
/// and a transaction's writes all take its version. A range's revision must lie between the entries around it.</para>
/// <para>A timed-out write gets an unknown version, at least the floor, pinned by the first answer that reports
/// it. A timed-out transaction whose compares cannot be decided (they read such a version) runs its success
/// branch when the failure branch changes nothing (failing is then the same as never taking effect, which the
/// checker tries anyway), and vice versa; otherwise the keys the two branches leave differently become
/// <see cref="KvPresence.Unknown"/> until read or overwritten.</para>
/// <para>Known leniencies (they can accept a wrong history, never refuse a right one): unknown versions have no
/// upper bound; the unknown versions of one timed-out transaction are not tied together; an undecided compare
/// teaches nothing except "version == n" / "createVersion == n" / "exists" after a success; sessions and
/// ephemeral keys are not modelled; a single-key delete or a version mismatch, reporting no index, does not move
/// the floor.</para>
/// </remarks>
public sealed class KvTxnModel : IModel<KvStoreState, KvInput, KvOutput>
{
    private static readonly KvCompare[] NoCompares = [];

    public KvStoreState Init() => KvStoreState.Empty;

    public (bool Ok, KvStoreState Next) Step(KvStoreState state, KvInput input, Observed<KvOutput> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        var draft = new KvStoreDraft(state);
        var ok = input.Kind switch
        {
            KvOperationKind.Get => StepGet(draft, input.Key, output),
            KvOperationKind.Put => StepPut(draft, input, output),
            KvOperationKind.Delete => StepDelete(draft, input.Key, output),
            KvOperationKind.Txn => StepTxn(ref draft, input.Txn ?? throw new ArgumentException("A txn input needs its Txn.", nameof(input)), output),
            KvOperationKind.Range => StepRange(draft, input.Range ?? throw new ArgumentException("A range input needs its Range.", nameof(input)), output),
            KvOperationKind.DeleteRange => StepDeleteRange(draft, input.Range ?? throw new ArgumentException("A range delete needs its Range.", nameof(input)), output),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown key-value operation."),
        };

        // A refused step's state is never used: skip freezing it.
        return ok ? (true, draft.Freeze()) : (false, state);
    }

    public IReadOnlyList<IReadOnlyList<Operation<KvInput, KvOutput>>> Partition(IReadOnlyList<Operation<KvInput, KvOutput>> history) =>
        KvKeyGroups.Split(history);

    public string DescribePartition(IReadOnlyList<Operation<KvInput, KvOutput>> partition)
    {
        var keys = KvKeyGroups.KeysOf(partition);
        return keys.Count == 0 ? "no keys" : keys.Count == 1 ? $"key \"{keys[0]}\"" : $"keys {string.Join(", ", keys.Select(k => $"\"{k}\""))}";
    }

    public string DescribeOperation(KvInput input, Observed<KvOutput> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!output.IsKnown)
        {
            return $"{input} -> ? (timed out)";
        }

        var o = output.Value;
        return input.Kind switch
        {
            KvOperationKind.Get => o.Ok ? $"{input} -> \"{o.Value}\" v{o.Version}{(o.CreateVersion == 0 ? "" : $" c{o.CreateVersion}")}" : $"{input} -> not found",
            KvOperationKind.Put => o.Ok ? $"{input} -> written v{o.Version}" : $"{input} -> version mismatch",
            KvOperationKind.Delete => o.Ok ? $"{input} -> deleted" : $"{input} -> was absent",
            KvOperationKind.Txn => $"{input} -> {o.Txn?.ToString() ?? "no txn result"}",
            KvOperationKind.Range => $"{input} -> {o.Range?.ToString() ?? "no range result"}",
            _ => $"{input} -> deleted {o.DeletedCount} v{o.Version}",
        };
    }

    public string DescribeState(KvStoreState state) => state?.ToString() ?? "null";

    private static bool StepGet(KvStoreDraft draft, string key, Observed<KvOutput> output)
    {
        if (!output.TryGetValue(out var o))
        {
            return true;
        }

        return o.Ok ? o.Value is not null && draft.CheckFound(key, o.Value, o.Version, o.CreateVersion) : draft.CheckMissing(key);
    }

    private static bool StepPut(KvStoreDraft draft, KvInput input, Observed<KvOutput> output)
    {
        var put = new KvTxn(
            input.ExpectedVersion is { } expected ? [KvCompare.Version(input.Key, expected)] : NoCompares,
            [KvTxnOp.Put(input.Key, input.Value ?? "")],
            []);
        if (!output.TryGetValue(out var o))
        {
            return StepTxn(ref draft, put, output);
        }

        // A put answers as a one-op transaction would: written at a version, or the compare failed.
        var asTxn = o.Ok ? new KvTxnResult(true, o.Version, [KvTxnOpResult.Put(o.Version)]) : new KvTxnResult(false, 0, []);
        if (!o.Ok)
        {
            // A mismatch reports no index: judge the compare alone, nothing changes.
            return input.ExpectedVersion is not null && draft.Evaluate(put.Compares[0]) != true;
        }

        return StepTxn(ref draft, put, Observed<KvOutput>.Of(KvOutput.Transaction(asTxn)));
    }

    private static bool StepDelete(KvStoreDraft draft, string key, Observed<KvOutput> output)
    {
        var existed = draft.Delete(key);
        return !output.TryGetValue(out var o) || existed is null || existed == o.Ok;
    }

    private static bool StepRange(KvStoreDraft draft, KvRange range, Observed<KvOutput> output)
    {
        if (!output.TryGetValue(out var o))
        {
            return true;
        }

        if (o.Range is not { } result || !draft.CheckRange(range, result))
        {
            return false;
        }

        if (result.Revision == 0)
        {
            return true;
        }

        // The read saw every entry up to its revision and none after: it sits between them.
        if (result.Revision < draft.Floor - 1)
        {
            return false;
        }

        draft.Floor = Math.Max(draft.Floor, result.Revision + 1);
        return true;
    }

    private static bool StepDeleteRange(KvStoreDraft draft, KvRange range, Observed<KvOutput> output)
    {
        var start = draft.Floor;
        var (min, max) = draft.DeleteRange(range);
        if (!output.TryGetValue(out var o))
        {
            draft.Floor = start + 1;
            return true;
        }

        if (o.DeletedCount < min || o.DeletedCount > max || o.Version < start)
        {
            return false;
        }

        draft.Floor = o.Version + 1;
        return true;
    }

    private static bool StepTxn(ref KvStoreDraft draft, KvTxn txn, Observed<KvOutput> output)
    {
        bool? decided = true;
        foreach (var compare in txn.Compares)
        {
            var holds = draft.Evaluate(compare);
            if (holds == false)
            {
                decided = false;
                break;
            }

            if (holds is null)
            {
                decided = null;
            }
        }

        if (!output.TryGetValue(out var o))
        {
            draft = RunUnknown(draft, txn, decided);
            return true;
        }

        if (o.Txn is not { } result || result.Version <= 0 || (decided is { } d && d != result.Succeeded))
        {
            return false;
        }

        if (decided is null && result.Succeeded)
        {
            foreach (var compare in txn.Compares)
            {
                if (draft.Evaluate(compare) is null && !draft.Narrow(compare))
                {
                    return false;
                }
            }
        }

        var branch = result.Succeeded ? txn.Success : txn.Failure;
        if (result.Results.Count != branch.Count || !Run(draft, branch, result.Version, 0, result.Results))
        {
            return false;
        }

        // Checked after the branch: its gets may have pinned earlier versions, which must be below this entry's.
        if (result.Version < draft.Floor)
        {
            return false;
        }

        draft.Floor = result.Version + 1;
        return true;
    }

    private static KvStoreDraft RunUnknown(KvStoreDraft draft, KvTxn txn, bool? decided)
    {
        var start = draft.Floor;
        if (decided is { } d)
        {
            Run(draft, d ? txn.Success : txn.Failure, 0, start, null);
            draft.Floor = start + 1;
            return draft;
        }

        var success = draft.Clone();
        Run(success, txn.Success, 0, start, null);
        var failure = draft.Clone();
        Run(failure, txn.Failure, 0, start, null);

        // A branch that changes nothing is the same as the transaction never taking effect (tried separately).
        var next = failure.SameKeys(draft) ? success : success.SameKeys(draft) ? failure : Joined(success, failure);
        next.Floor = start + 1;
        return next;
    }

    private static KvStoreDraft Joined(KvStoreDraft success, KvStoreDraft failure)
    {
        success.JoinWith(failure);
        return success;
    }

    /// <summary>Runs a branch at <paramref name="version"/> (0: unknown, at least <paramref name="unknownFloor"/>), checking the results when given.</summary>
    private static bool Run(KvStoreDraft draft, IReadOnlyList<KvTxnOp> ops, long version, long unknownFloor, IReadOnlyList<KvTxnOpResult>? results)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            var r = results?[i];
            var expectedKind = op.Kind == KvTxnOpKind.DeletePrefix ? KvTxnOpKind.Delete : op.Kind;
            if (r is not null && r.Kind != expectedKind)
            {
                return false;
            }

            switch (op.Kind)
            {
                case KvTxnOpKind.Put:
                    if (r is not null && r.Version != version)
                    {
                        return false;
                    }

                    draft.Put(op.Key, op.Value ?? "", version, unknownFloor);
                    break;
                case KvTxnOpKind.Delete:
                    var existed = draft.Delete(op.Key);
                    if (r is not null && (r.Deleted is < 0 or > 1 || (existed is { } e && r.Deleted != (e ? 1 : 0))))
                    {
                        return false;
                    }

                    break;
                case KvTxnOpKind.DeletePrefix:
                    var (min, max) = draft.DeleteRange(KvRange.WithPrefix(op.Key));
                    if (r is not null && (r.Deleted < min || r.Deleted > max))
                    {
                        return false;
                    }

                    break;
                default:
                    if (r is not null && !(r.Found ? r.Value is not null && draft.CheckFound(op.Key, r.Value, r.Version, r.CreateVersion) : draft.CheckMissing(op.Key)))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }
}
