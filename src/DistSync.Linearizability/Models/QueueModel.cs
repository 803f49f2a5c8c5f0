namespace DistSync.Linearizability.Models;

/// <summary>
/// A strict FIFO queue: a dequeue returns the oldest enqueued value not yet dequeued, or "empty" only when
/// nothing is queued. A timed-out enqueue may or may not have added its value; a timed-out dequeue may or may
/// not have removed the head.
/// </summary>
/// <remarks>
/// This is the exactly-once FIFO specification. DistSync's queues are at-least-once (redelivery after a
/// visibility timeout, priorities, partitions); a set-like at-least-once model is not provided here.
/// </remarks>
public sealed class QueueModel<TValue> : IModel<QueueState<TValue>, QueueInput<TValue>, QueueOutput<TValue>>
{
    private readonly IEqualityComparer<TValue> _comparer;

    public QueueModel(IEqualityComparer<TValue>? comparer = null)
    {
        _comparer = comparer ?? EqualityComparer<TValue>.Default;
    }

    public QueueState<TValue> Init() => new([], _comparer);

    public (bool Ok, QueueState<TValue> Next) Step(QueueState<TValue> state, QueueInput<TValue> input, Observed<QueueOutput<TValue>> output)
    {
        if (input.Kind == QueueOperationKind.Enqueue)
        {
            return (true, state.Enqueue(input.Value));
        }

        if (!output.IsKnown)
        {
            return (true, state.Count == 0 ? state : state.DequeueHead());
        }

        var o = output.Value;
        if (!o.HasValue)
        {
            return (state.Count == 0, state);
        }

        return state.Count > 0 && _comparer.Equals(state.Items[0], o.Value)
            ? (true, state.DequeueHead())
            : (false, state);
    }

    public string DescribeOperation(QueueInput<TValue> input, Observed<QueueOutput<TValue>> output)
    {
        if (!output.IsKnown)
        {
            return $"{input} -> ? (timed out)";
        }

        return input.Kind == QueueOperationKind.Enqueue ? $"{input} -> ok"
            : output.Value.HasValue ? $"{input} -> {output.Value.Value}"
            : $"{input} -> empty";
    }

    public string DescribeState(QueueState<TValue> state) => state.ToString();
}
