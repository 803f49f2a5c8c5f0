using DistSync.Linearizability.Models;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// A plain key-value store with docs/KV.md's transaction semantics, for <see cref="KvTxnAgreesWithBruteForceSpec"/>:
/// concrete values and versions, no unknowns. It both produces the correct answers of a generated history and
/// judges candidate orders in the brute-force search, independently of <see cref="KvTxnModel"/>.
/// </summary>
internal sealed class KvReferenceStore
{
    private readonly SortedDictionary<string, (string Value, long Version, long Create)> _data;

    public KvReferenceStore()
    {
        _data = new SortedDictionary<string, (string, long, long)>(StringComparer.Ordinal);
    }

    private KvReferenceStore(KvReferenceStore other)
    {
        _data = new SortedDictionary<string, (string, long, long)>(other._data, StringComparer.Ordinal);
        MinNext = other.MinNext;
    }

    /// <summary>The smallest index the next entry may have: above every entry and every revision read so far.</summary>
    public long MinNext { get; set; } = 1;

    public KvReferenceStore Clone() => new(this);

    /// <summary>Runs a get, range, put or txn; a write takes <paramref name="version"/>; a range reports <paramref name="revision"/>.</summary>
    public KvOutput Execute(KvInput input, long version, long revision = 0)
    {
        switch (input.Kind)
        {
            case KvOperationKind.Get:
                return _data.TryGetValue(input.Key, out var v) ? KvOutput.Found(v.Value, v.Version, v.Create) : KvOutput.NotFound;
            case KvOperationKind.Range:
                var range = input.Range!;
                var keys = _data.Keys.Where(range.Contains).ToList();
                var take = range.Limit == 0 ? keys.Count : Math.Min(range.Limit, keys.Count);
                var items = keys.Take(take).Select(k => new KvRangeItem(k, _data[k].Value, _data[k].Version, _data[k].Create)).ToList();
                return KvOutput.RangeResult(new KvRangeResult(items, keys.Count > take, revision));
            case KvOperationKind.Put:
                Write(input.Key, input.Value!, version);
                return KvOutput.Written(version);
            default:
                var txn = input.Txn!;
                var succeeded = txn.Compares.All(Holds);
                var results = new List<KvTxnOpResult>();
                foreach (var op in succeeded ? txn.Success : txn.Failure)
                {
                    results.Add(Run(op, version));
                }

                return KvOutput.Transaction(new KvTxnResult(succeeded, version, results));
        }
    }

    public static bool SameOutput(KvOutput a, KvOutput b)
    {
        if (a.Txn is { } ta && b.Txn is { } tb)
        {
            return ta.Succeeded == tb.Succeeded && ta.Version == tb.Version && ta.Results.SequenceEqual(tb.Results);
        }

        if (a.Range is { } ra && b.Range is { } rb)
        {
            return ra.More == rb.More && ra.Kvs.SequenceEqual(rb.Kvs);
        }

        return a == b;
    }

    private KvTxnOpResult Run(KvTxnOp op, long version)
    {
        switch (op.Kind)
        {
            case KvTxnOpKind.Put:
                Write(op.Key, op.Value!, version);
                return KvTxnOpResult.Put(version);
            case KvTxnOpKind.Delete:
                return KvTxnOpResult.Delete(_data.Remove(op.Key) ? 1 : 0);
            case KvTxnOpKind.DeletePrefix:
                var doomed = _data.Keys.Where(k => k.StartsWith(op.Key, StringComparison.Ordinal)).ToList();
                doomed.ForEach(k => _data.Remove(k));
                return KvTxnOpResult.Delete(doomed.Count);
            default:
                return _data.TryGetValue(op.Key, out var v) ? KvTxnOpResult.GetFound(v.Value, v.Version, v.Create) : KvTxnOpResult.GetMissing;
        }
    }

    private void Write(string key, string value, long version) =>
        _data[key] = (value, version, _data.TryGetValue(key, out var old) ? old.Create : version);

    private bool Holds(KvCompare c)
    {
        var exists = _data.TryGetValue(c.Key, out var v);
        int? comparison = c.Target switch
        {
            KvCompareTarget.Version => (exists ? v.Version : 0).CompareTo(c.Number),
            KvCompareTarget.CreateVersion => (exists ? v.Create : 0).CompareTo(c.Number),
            KvCompareTarget.Value => exists ? string.CompareOrdinal(v.Value, c.Text) : null,
            _ => exists == c.Flag ? 0 : 1,
        };
        return comparison switch
        {
            null => false,
            { } n => c.Op switch
            {
                KvCompareOp.Equal => n == 0,
                KvCompareOp.NotEqual => n != 0,
                KvCompareOp.Less => n < 0,
                _ => n > 0,
            },
        };
    }
}
