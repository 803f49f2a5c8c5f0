namespace DistSync.Linearizability;

/// <summary>Helpers for <see cref="IModel{TState,TInput,TOutput}.Partition"/>.</summary>
public static class HistoryPartitions
{
    /// <summary>
    /// One part per distinct key, in order of first appearance. Operations whose key is null (e.g. "release all
    /// of a session") are copied into every part; if no operation has a key, the result is one part.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Operation<TInput, TOutput>>> ByKey<TInput, TOutput, TKey>(
        IReadOnlyList<Operation<TInput, TOutput>> history, Func<TInput, TKey?> keyOf)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(keyOf);
        var parts = new Dictionary<TKey, List<Operation<TInput, TOutput>>>();
        var order = new List<List<Operation<TInput, TOutput>>>();
        var everywhere = new List<Operation<TInput, TOutput>>();
        foreach (var op in history)
        {
            var key = keyOf(op.Input);
            if (key is null)
            {
                everywhere.Add(op);
                continue;
            }

            if (!parts.TryGetValue(key, out var part))
            {
                part = new List<Operation<TInput, TOutput>>();
                parts.Add(key, part);
                order.Add(part);
            }

            part.Add(op);
        }

        if (order.Count == 0)
        {
            return everywhere.Count == 0 ? [] : new[] { everywhere };
        }

        if (everywhere.Count > 0)
        {
            foreach (var part in order)
            {
                part.AddRange(everywhere);
            }
        }

        return order;
    }
}
