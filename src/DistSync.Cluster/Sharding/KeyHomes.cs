using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Event;
using DistSync.Cluster.Placement;

namespace DistSync.Cluster.Sharding;

/// <summary>
/// Starts and finds the key-home shard region, the first sharded entity type (<see cref="KeyHomeActor"/>).
/// <para>Settings (AKKA-PORT §6), forced in code whatever the config says:</para>
/// <list type="bullet">
/// <item><c>state-store-mode = ddata</c>: the default <c>persistence</c> journals the coordinator to the default journal,
/// which in DistSync is node-local; a coordinator moving to another node would recover stale or empty state.</item>
/// <item><c>remember-entities = off</c>: homes are soft state, recreated on first message; with it off the sharding
/// replicator keeps no durable (LightningDB) keys.</item>
/// <item>idle passivation off: 120 s of silence would drop a directory's sharer set; an entity passivates itself.</item>
/// <item>coordinator-state <c>write-majority-plus = 0</c>, <c>read-majority-plus = 0</c>, with
/// <see cref="Config"/>'s <c>majority-min-cap = 2</c>: plain majorities. The defaults (plus 3 and 5, min-cap 5) mean
/// "all nodes" below 6 nodes, so in DistSync's 3-node cluster one unreachable node that is not downed (NoDowning:
/// only Raft downs) would stop every new shard allocation and rebalance. With plain majorities sharding tolerates what
/// Raft tolerates (1 of 3, 2 of 5). The price: write and read quorums intersect only while membership stays put, so a
/// coordinator hand-over right after a membership change can read state missing the newest allocation, and one shard
/// could be homed twice until the stale region hands off; the cache protocol must treat a home's answer as valid for
/// its incarnation only. Membership changes are Raft-driven and one at a time, which keeps that window small.</item>
/// </list>
/// </summary>
public static class KeyHomes
{
    /// <summary>The entity type name (the region is <c>/system/sharding/key-home</c>).</summary>
    public const string TypeName = "key-home";

    /// <summary>
    /// Config the actor system must start with (the sharding replicator reads it when the ClusterSharding extension
    /// starts, so it cannot be set per region): majority-min-cap 2 (see the class remarks), and the same store and
    /// passivation defaults as <see cref="Settings"/> forces, for tools reading the config.
    /// </summary>
    public static Config Config { get; } = ConfigurationFactory.ParseString("""
        akka.cluster.sharding {
          state-store-mode = ddata
          remember-entities = off
          passivate-idle-entity-after = off
          coordinator-state.write-majority-plus = 0
          coordinator-state.read-majority-plus = 0
          distributed-data.majority-min-cap = 2
        }
        """);

    /// <summary>The region's settings: this system's <c>akka.cluster.sharding</c> section (rebalance interval, hand-off
    /// timeout, ...) with the store, remember-entities, passivation and coordinator quorums forced as described above.</summary>
    public static ClusterShardingSettings Settings(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var settings = ClusterShardingSettings.Create(system);
        return settings
            .WithStateStoreMode(StateStoreMode.DData)
            .WithRememberEntities(false)
            .WithPassivateIdleAfter(TimeSpan.Zero)
            .WithTuningParameters(settings.TuningParameters
                .WithCoordinatorStateWriteMajorityPlus(0)
                .WithCoordinatorStateReadMajorityPlus(0));
    }

    /// <summary>Starts this node's key-home region (every node runs one) and returns it. Messages to it go to the home
    /// of their key, wherever the ring puts it.</summary>
    public static Task<IActorRef> StartAsync(
        ActorSystem system,
        int shardCount = KeyHomeMessageExtractor.DefaultShardCount,
        int virtualNodes = HashRing.DefaultVirtualNodes,
        int maxRebalancePerRound = HashRingAllocationStrategy.DefaultMaxRebalancePerRound) =>
        StartRegionAsync(system, TypeName, key => KeyHomeActor.PropsFor(key, shardCount), new KeyHomeMessageExtractor(shardCount),
            KeyHomeHandOff.Instance, virtualNodes, maxRebalancePerRound);

    /// <summary>
    /// Starts a region of per-key home entities of type <paramref name="typeName"/> with the settings above (see the
    /// class remarks) and the hash-ring allocation strategy: the one way every per-key home type (key-home, the
    /// cache's home directory) is started, so they all place a key's shard on the same ring owner.
    /// </summary>
    public static Task<IActorRef> StartRegionAsync(
        ActorSystem system,
        string typeName,
        Func<string, Props> entityProps,
        IMessageExtractor extractor,
        object handOffStopMessage,
        int virtualNodes = HashRing.DefaultVirtualNodes,
        int maxRebalancePerRound = HashRingAllocationStrategy.DefaultMaxRebalancePerRound)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (system.Settings.Config.GetInt("akka.cluster.sharding.distributed-data.majority-min-cap", 0) != 2)
        {
            // Cannot be fixed here: the sharding replicator already read it. Say so rather than stall silently later.
            Akka.Event.Logging.GetLogger(system, typeof(KeyHomes)).Warning(
                "KeyHomes.Config is not in this actor system's config: the sharding coordinator's DData quorum needs all " +
                "nodes in clusters below 6 nodes, so one unreachable node stops new {0} allocations", typeName);
        }
        return ClusterSharding.Get(system).StartAsync(
            typeName,
            entityProps,
            Settings(system),
            extractor,
            new HashRingAllocationStrategy(virtualNodes, maxRebalancePerRound),
            handOffStopMessage);
    }

    /// <summary>The region started by <see cref="StartAsync"/> on this node.</summary>
    public static IActorRef RegionOf(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ClusterSharding.Get(system).ShardRegion(TypeName);
    }

    /// <summary>Where <paramref name="key"/>'s home belongs on <paramref name="ring"/> (the ring of the members that
    /// run a region): the ring owner of its shard, exactly what <see cref="HashRingAllocationStrategy"/> allocates.</summary>
    public static string HomeNodeOf(HashRing ring, string key, int shardCount = KeyHomeMessageExtractor.DefaultShardCount)
    {
        ArgumentNullException.ThrowIfNull(ring);
        return ring.OwnerOf(KeyHomeMessageExtractor.ShardIdOf(key, shardCount));
    }
}
