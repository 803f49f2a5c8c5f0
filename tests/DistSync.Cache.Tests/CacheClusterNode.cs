using Akka.Actor;

namespace DistSync.Cache.Tests;

/// <summary>One node of a <see cref="CacheCluster"/>: its actor system and its cache.</summary>
public sealed record CacheClusterNode(string NodeId, ActorSystem System, CacheFront Cache)
{
    public Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;

    public CacheStats Stats => Cache.Stats;

    public LineState StateOf(string key) => Cache.StateOf(key);

    public override string ToString() => NodeId;
}
