using Akka.Actor;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Sharding.Wire;

namespace DistSync.Cluster.Sharding;

/// <summary>
/// The home of one key (sharded entity type <see cref="KeyHomes.TypeName"/>), placed by the hash ring. Soft state
/// only, never persisted: when the home moves or its node dies it starts afresh elsewhere (a new incarnation), which
/// is the MESI rule "a lost directory is rebuilt conservatively". For now it keeps the key, its home node id and a
/// version counter; the cache issue adds the directory entry (state, owner, sharers).
/// <para>Idle passivation is off; a home may passivate itself with
/// <c>Context.Parent.Tell(new Passivate(KeyHomeHandOff.Instance))</c> (the directory will, once it has no sharers): the
/// shard buffers the key's messages until it has stopped, then starts a fresh incarnation on the next one.</para>
/// </summary>
public sealed class KeyHomeActor : ReceiveActor
{
    private readonly string key;
    private readonly string shardId;
    private readonly string nodeId;
    private readonly string address;
    // Random per start: tells a moved or restarted home from one that stayed put.
    private readonly string incarnation = Guid.NewGuid().ToString("N");
    private ulong version;

    public KeyHomeActor(string key, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        this.key = key;
        shardId = KeyHomeMessageExtractor.ShardIdOf(key, shardCount);
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        nodeId = NodeIdentity.NodeIdOf(cluster.SelfMember);
        address = cluster.SelfAddress.ToString();

        Receive<WhereIsHome>(_ =>
        {
            version++;
            Sender.Tell(new HomeLocation
            {
                Key = this.key,
                NodeId = nodeId,
                Address = address,
                ShardId = shardId,
                Version = version,
                Incarnation = incarnation,
            });
        });
        // Hand-off (rebalance or region shutdown): nothing to hand over yet; the cache directory will invalidate its
        // sharers here before stopping.
        Receive<KeyHomeHandOff>(_ => Context.Stop(Self));
    }

    /// <summary>Props for the entity of <paramref name="key"/>.</summary>
    public static Props PropsFor(string key, int shardCount = KeyHomeMessageExtractor.DefaultShardCount) =>
        Props.Create(() => new KeyHomeActor(key, shardCount));

}
