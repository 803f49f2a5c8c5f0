namespace DistSync.Linearizability;

/// <summary>One part of a history as both checkers search it: its operations in call order (ties by history
/// position), so that each client's program order is id order, with their positions in the whole history.</summary>
internal sealed record HistoryPart<TInput, TOutput>(int PartIndex, int[] Indices, Operation<TInput, TOutput>[] Operations);

/// <summary>Splits a history with the model's partitioning and orders each part (shared by both checkers).</summary>
internal static class HistoryParts
{
    public static List<HistoryPart<TInput, TOutput>> Split<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> history)
    {
        var indexOf = new Dictionary<Operation<TInput, TOutput>, int>(history.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i] is null)
            {
                throw new ArgumentException($"History entry {i} is null.", nameof(history));
            }

            indexOf.TryAdd(history[i], i);
        }

        var parts = model.Partition(history)
            ?? throw new InvalidOperationException($"{model.GetType().Name}.Partition returned null.");
        var result = new List<HistoryPart<TInput, TOutput>>(parts.Count);
        for (var p = 0; p < parts.Count; p++)
        {
            var part = parts[p];
            var indices = new int[part.Count];
            for (var i = 0; i < part.Count; i++)
            {
                if (part[i] is null || !indexOf.TryGetValue(part[i], out indices[i]))
                {
                    throw new InvalidOperationException(
                        $"{model.GetType().Name}.Partition returned an operation that is not in the history (partition {p}, item {i}).");
                }
            }

            Array.Sort(indices, (a, b) =>
            {
                var byTime = history[a].CallTime.CompareTo(history[b].CallTime);
                return byTime != 0 ? byTime : a.CompareTo(b);
            });
            var ops = new Operation<TInput, TOutput>[indices.Length];
            for (var i = 0; i < ops.Length; i++)
            {
                ops[i] = history[indices[i]];
            }

            result.Add(new HistoryPart<TInput, TOutput>(p, indices, ops));
        }

        return result;
    }
}
