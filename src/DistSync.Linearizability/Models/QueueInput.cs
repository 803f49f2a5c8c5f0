namespace DistSync.Linearizability.Models;

/// <summary>An operation on a FIFO queue: enqueue a value, or dequeue the oldest one.</summary>
public sealed record QueueInput<TValue>(QueueOperationKind Kind, TValue Value)
{
    public static QueueInput<TValue> Enqueue(TValue value) => new(QueueOperationKind.Enqueue, value);

    public static QueueInput<TValue> Dequeue() => new(QueueOperationKind.Dequeue, default!);

    public override string ToString() => Kind == QueueOperationKind.Enqueue ? $"enqueue({Value})" : "dequeue()";
}
