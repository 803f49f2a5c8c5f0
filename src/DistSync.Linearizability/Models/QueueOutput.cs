namespace DistSync.Linearizability.Models;

/// <summary>The answer to a <see cref="QueueInput{TValue}"/>: the dequeued value, or that the queue was empty.</summary>
public sealed record QueueOutput<TValue>(bool HasValue, TValue Value)
{
    public static QueueOutput<TValue> Enqueued { get; } = new(false, default!);

    public static QueueOutput<TValue> Dequeued(TValue value) => new(true, value);

    public static QueueOutput<TValue> Empty { get; } = new(false, default!);
}
