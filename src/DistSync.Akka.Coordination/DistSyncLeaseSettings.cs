using Akka.Configuration;
using Akka.Coordination;

namespace DistSync.Akka.Coordination;

/// <summary>
/// One lease's settings, read once from its config block (falling back to <see cref="DistSyncLeaseConfig.Default"/>)
/// and Akka's <see cref="TimeoutSettings"/>: <c>heartbeat-timeout</c> is the session TTL, <c>heartbeat-interval</c>
/// the keepalive period, <c>lease-operation-timeout</c> the deadline of each call to the cluster.
/// </summary>
public sealed record DistSyncLeaseSettings(
    string LeaseName,
    string OwnerName,
    IReadOnlyList<string> Endpoints,
    TimeSpan SessionTtl,
    TimeSpan KeepAliveInterval,
    TimeSpan OperationTimeout,
    string? TokenFile,
    string? CaFile)
{
    /// <summary>The shortest TTL a DistSync session accepts.</summary>
    public static readonly TimeSpan MinimumTtl = TimeSpan.FromSeconds(1);

    /// <exception cref="ConfigurationException">A missing or inconsistent setting, named.</exception>
    public static DistSyncLeaseSettings From(LeaseSettings lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var config = lease.LeaseConfig.WithFallback(DistSyncLeaseConfig.Default.GetConfig(DistSyncLeaseConfig.Path));
        var endpoints = config.GetStringList("endpoints") ?? [];
        if (endpoints.Count == 0 || endpoints.Any(string.IsNullOrWhiteSpace))
            throw new ConfigurationException($"lease '{lease.LeaseName}': endpoints must name at least one DistSync node (host:port)");
        var timeouts = lease.TimeoutSettings;
        if (timeouts.HeartbeatTimeout < MinimumTtl)
            throw new ConfigurationException($"lease '{lease.LeaseName}': heartbeat-timeout must be at least {MinimumTtl.TotalSeconds:0} s, was {timeouts.HeartbeatTimeout}");
        // Akka's own rule (TimeoutSettings.Create), repeated for settings built in code: two beats fit in one TTL.
        if (timeouts.HeartbeatInterval <= TimeSpan.Zero || timeouts.HeartbeatInterval >= timeouts.HeartbeatTimeout / 2)
            throw new ConfigurationException($"lease '{lease.LeaseName}': heartbeat-interval must be positive and below half of heartbeat-timeout ({timeouts.HeartbeatTimeout}), was {timeouts.HeartbeatInterval}");
        if (timeouts.OperationTimeout <= TimeSpan.Zero)
            throw new ConfigurationException($"lease '{lease.LeaseName}': lease-operation-timeout must be positive, was {timeouts.OperationTimeout}");
        return new DistSyncLeaseSettings(lease.LeaseName, lease.OwnerName, endpoints.ToArray(),
            timeouts.HeartbeatTimeout, timeouts.HeartbeatInterval, timeouts.OperationTimeout,
            OptionalPath(config.GetString("token-file", "")), OptionalPath(config.GetString("ca-file", "")));
    }

    private static string? OptionalPath(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
