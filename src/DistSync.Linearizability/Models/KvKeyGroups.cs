namespace DistSync.Linearizability.Models;

/// <summary>
/// Splits a <see cref="KvTxnModel"/> history into groups of keys no operation connects: union-find over the keys,
/// where a transaction joins its compare and operation keys, and a range or prefix joins every key of the history
/// it covers. Each group's operations are one part; operations touching no key of the history form one more part.
/// </summary>
internal static class KvKeyGroups
{
    public static IReadOnlyList<IReadOnlyList<Operation<KvInput, KvOutput>>> Split(IReadOnlyList<Operation<KvInput, KvOutput>> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var op in history)
        {
            foreach (var key in NamedKeys(op.Input))
            {
                if (keys.TryAdd(key, names.Count))
                {
                    names.Add(key);
                }
            }
        }

        var parent = Enumerable.Range(0, names.Count).ToArray();
        var touched = new List<int>[history.Count];
        for (var i = 0; i < history.Count; i++)
        {
            touched[i] = Touched(history[i].Input, keys, names);
            for (var j = 1; j < touched[i].Count; j++)
            {
                Union(parent, touched[i][0], touched[i][j]);
            }
        }

        var partOfRoot = new Dictionary<int, List<Operation<KvInput, KvOutput>>>();
        var parts = new List<IReadOnlyList<Operation<KvInput, KvOutput>>>();
        List<Operation<KvInput, KvOutput>>? keyless = null;
        for (var i = 0; i < history.Count; i++)
        {
            if (touched[i].Count == 0)
            {
                if (keyless is null)
                {
                    keyless = new List<Operation<KvInput, KvOutput>>();
                    parts.Add(keyless);
                }

                keyless.Add(history[i]);
                continue;
            }

            var root = Find(parent, touched[i][0]);
            if (!partOfRoot.TryGetValue(root, out var part))
            {
                part = new List<Operation<KvInput, KvOutput>>();
                partOfRoot.Add(root, part);
                parts.Add(part);
            }

            part.Add(history[i]);
        }

        return parts;
    }

    /// <summary>The keys a part's operations name, sorted (for reports).</summary>
    public static IReadOnlyList<string> KeysOf(IReadOnlyList<Operation<KvInput, KvOutput>> part)
    {
        var keys = part.SelectMany(op => NamedKeys(op.Input)).Distinct(StringComparer.Ordinal).ToList();
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>The keys an operation names itself (not through a range or prefix).</summary>
    private static IEnumerable<string> NamedKeys(KvInput input)
    {
        switch (input.Kind)
        {
            case KvOperationKind.Get or KvOperationKind.Put or KvOperationKind.Delete:
                yield return input.Key;
                break;
            case KvOperationKind.Txn:
                foreach (var compare in input.Txn!.Compares)
                {
                    yield return compare.Key;
                }

                foreach (var op in input.Txn.Success.Concat(input.Txn.Failure))
                {
                    if (op.Kind != KvTxnOpKind.DeletePrefix)
                    {
                        yield return op.Key;
                    }
                }

                break;
        }
    }

    private static List<int> Touched(KvInput input, Dictionary<string, int> keys, List<string> names)
    {
        var touched = NamedKeys(input).Select(k => keys[k]).ToList();
        var ranges = input.Kind switch
        {
            KvOperationKind.Range or KvOperationKind.DeleteRange => [input.Range!],
            KvOperationKind.Txn => input.Txn!.Success.Concat(input.Txn.Failure)
                .Where(op => op.Kind == KvTxnOpKind.DeletePrefix).Select(op => KvRange.WithPrefix(op.Key)).ToList(),
            _ => new List<KvRange>(),
        };
        foreach (var range in ranges)
        {
            for (var k = 0; k < names.Count; k++)
            {
                if (range.Contains(names[k]))
                {
                    touched.Add(k);
                }
            }
        }

        return touched;
    }

    private static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }

        return x;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var (ra, rb) = (Find(parent, a), Find(parent, b));
        if (ra != rb)
        {
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }
}
