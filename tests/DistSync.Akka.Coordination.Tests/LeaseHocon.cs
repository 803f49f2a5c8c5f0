using Akka.Configuration;

namespace DistSync.Akka.Coordination.Tests;

/// <summary>Tests only: an actor system's config with a <c>dsync-lease</c> block over the given nodes and short timings.</summary>
internal static class LeaseHocon
{
    /// <summary>A 3 s TTL with a beat every second: a lost holder frees the lease within seconds.</summary>
    public static Config For(IEnumerable<string> endpoints, string extra = "") =>
        ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            dsync-lease {
              endpoints = [{{string.Join(", ", endpoints.Select(e => $"\"{e}\""))}}]
              heartbeat-timeout = 3s
              heartbeat-interval = 1s
              lease-operation-timeout = 10s
            }
            {{extra}}
            """).WithFallback(DistSyncLeaseConfig.Default);
}
