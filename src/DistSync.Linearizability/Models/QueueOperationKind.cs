namespace DistSync.Linearizability.Models;

/// <summary>The operations of <see cref="QueueModel{TValue}"/>.</summary>
public enum QueueOperationKind
{
    Enqueue,
    Dequeue,
}
