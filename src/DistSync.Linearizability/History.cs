namespace DistSync.Linearizability;

/// <summary>Conversions between history shapes.</summary>
public static class History
{
    /// <summary>
    /// Turns call/return events into operations, using each event's position as its time. Calls that never
    /// return become unknown-outcome operations. Operations come out in call order.
    /// </summary>
    /// <exception cref="ArgumentException">A return without an earlier call, or an operation id called twice.</exception>
    public static IReadOnlyList<Operation<TInput, TOutput>> FromEvents<TInput, TOutput>(IEnumerable<HistoryEvent<TInput, TOutput>> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var calls = new List<(HistoryEvent<TInput, TOutput> Call, long Time, HistoryEvent<TInput, TOutput>? Return, long ReturnTime)>();
        var byId = new Dictionary<int, int>();
        long time = 0;
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (e.Kind == HistoryEventKind.Call)
            {
                if (!byId.TryAdd(e.OperationId, calls.Count))
                {
                    throw new ArgumentException($"Event {time}: operation id {e.OperationId} is called twice.", nameof(events));
                }

                calls.Add((e, time, null, 0));
            }
            else
            {
                if (!byId.TryGetValue(e.OperationId, out var index))
                {
                    throw new ArgumentException($"Event {time}: return of operation id {e.OperationId} without an earlier call.", nameof(events));
                }

                var c = calls[index];
                if (c.Return is not null)
                {
                    throw new ArgumentException($"Event {time}: operation id {e.OperationId} returns twice.", nameof(events));
                }

                calls[index] = (c.Call, c.Time, e, time);
            }

            time++;
        }

        var result = new Operation<TInput, TOutput>[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var (call, callTime, ret, returnTime) = calls[i];
            result[i] = ret is null
                ? Operation<TInput, TOutput>.Unknown(call.ClientId, call.Input!, callTime)
                : Operation<TInput, TOutput>.Completed(call.ClientId, call.Input!, callTime, ret.Output!, returnTime);
        }

        return result;
    }
}
