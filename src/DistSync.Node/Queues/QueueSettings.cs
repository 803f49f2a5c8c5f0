using DistSync.Hocon;
using DistSync.Queues;
using DistSync.Queues.Catalog;
using Microsoft.Extensions.Configuration;

namespace DistSync.Node.Queues;

/// <summary>The queue service's settings (<c>dsync.queues</c>, a comment per key in hocon/queues.conf); invalid values
/// fail at startup naming the key.</summary>
public sealed record QueueSettings
{
    public int Partitions { get; init; } = 8;
    public int ReplicationFactor { get; init; } = 3;
    public QueueOptions Partition { get; init; } = QueueOptions.Default;
    public TimeSpan DefaultVisibility { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(1);
    public int MaxConcurrentMoves { get; init; } = 4;

    public static QueueSettings From(IConfiguration config)
    {
        var settings = new QueueSettings
        {
            Partitions = config.GetInt("dsync.queues.partitions", 8),
            ReplicationFactor = config.GetInt("dsync.queues.replication-factor", 3),
            Partition = QueueOptions.Default with
            {
                MaxDeliveries = config.GetInt("dsync.queues.max-deliveries", 5),
                DedupeWindowMs = (long)config.GetDuration("dsync.queues.dedupe-window", TimeSpan.FromMinutes(5)).TotalMilliseconds,
                MaxPayloadBytes = (int)config.GetSize("dsync.queues.max-payload", 256 * 1024),
            },
            DefaultVisibility = config.GetDuration("dsync.queues.default-visibility", TimeSpan.FromSeconds(30)),
            MaxWait = config.GetDuration("dsync.queues.max-wait", TimeSpan.FromSeconds(60)),
            ReconcileInterval = config.GetDuration("dsync.queues.reconcile-interval", TimeSpan.FromSeconds(1)),
            MaxConcurrentMoves = config.GetInt("dsync.queues.max-concurrent-moves", 4),
        };
        if (settings.Partitions is < 1 or > QueueCatalog.MaxPartitions)
            throw new FormatException($"configuration key 'dsync.queues.partitions' must be 1..{QueueCatalog.MaxPartitions}");
        if (settings.ReplicationFactor is < 1 or > 7) throw new FormatException("configuration key 'dsync.queues.replication-factor' must be 1..7");
        if (settings.Partition.MaxDeliveries < 1) throw new FormatException("configuration key 'dsync.queues.max-deliveries' must be at least 1");
        if (settings.Partition.DedupeWindowMs < 0) throw new FormatException("configuration key 'dsync.queues.dedupe-window' must not be negative");
        if (settings.Partition.MaxPayloadBytes < 1) throw new FormatException("configuration key 'dsync.queues.max-payload' must be positive");
        if (settings.DefaultVisibility <= TimeSpan.Zero) throw new FormatException("configuration key 'dsync.queues.default-visibility' must be positive");
        if (settings.ReconcileInterval <= TimeSpan.Zero) throw new FormatException("configuration key 'dsync.queues.reconcile-interval' must be positive");
        if (settings.MaxConcurrentMoves < 1) throw new FormatException("configuration key 'dsync.queues.max-concurrent-moves' must be at least 1");
        try
        {
            settings.Partition.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException("configuration keys 'dsync.queues.*': " + e.Message, e);
        }
        return settings;
    }
}
