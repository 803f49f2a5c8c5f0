using DistSync.Queues.Catalog;
using DistSync.Queues.Catalog.Wire;

namespace DistSync.Node.Queues;

/// <summary>
/// This node's copy of the queue catalog, for request handlers and the replica manager on any thread: an immutable
/// snapshot swapped whole by the meta state machine's <see cref="DistSync.Node.Meta.MetaStateMachine.CatalogChanged"/>
/// hook (on the meta group's thread, in log order), so readers never see a half-applied change.
/// </summary>
public sealed class QueueCatalogView
{
    private volatile Snapshot current = new(new Dictionary<string, QueueInfo>(StringComparer.Ordinal), new Dictionary<int, (QueueInfo, PartitionInfo)>(), 0);
    private long version;

    /// <summary>Raised after each swap (on the meta group's thread: handlers must only hand the work on).</summary>
    public event Action? Changed;

    public sealed record Snapshot(IReadOnlyDictionary<string, QueueInfo> Queues, IReadOnlyDictionary<int, (QueueInfo Queue, PartitionInfo Partition)> Groups, long Version);

    public Snapshot Current => current;

    public QueueInfo? Find(string queue) => current.Queues.GetValueOrDefault(queue);

    /// <summary>Called by the meta state machine after an entry or a restore changed the catalog.</summary>
    public void Update(QueueCatalog catalog)
    {
        var queues = new Dictionary<string, QueueInfo>(StringComparer.Ordinal);
        var groups = new Dictionary<int, (QueueInfo, PartitionInfo)>();
        foreach (var q in catalog.Queues)
        {
            var copy = q.Clone();
            queues[copy.Name] = copy;
            foreach (var p in copy.Partitions) groups[p.GroupId] = (copy, p);
        }
        current = new Snapshot(queues, groups, Interlocked.Increment(ref version));
        Changed?.Invoke();
    }
}
