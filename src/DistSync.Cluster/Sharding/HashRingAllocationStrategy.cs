using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using DistSync.Cluster.Placement;

namespace DistSync.Cluster.Sharding;

/// <summary>
/// Places each shard on the <see cref="HashRing"/> owner of its shard id among the registered shard regions, the
/// region's node id being its member's <c>dsync-node:&lt;id&gt;</c> role (<see cref="NodeIdentity"/>). The same ring
/// function places Raft replicas and cache homes, so a key's home is computable without asking the coordinator.
/// <para><see cref="Rebalance"/> moves only shards whose ring owner is not the region that has them, at most
/// <c>maxRebalancePerRound</c> in flight, so a join moves just the shards the newcomer now owns and a leave just the
/// leaver's (Akka.NET has no consistent-hashing allocation strategy built in).</para>
/// <para>Regions of members that are Leaving, Exiting, Down or no longer members are not on the ring: graceful
/// shutdown hands their shards off itself, and placing a shard there would only move it again.</para>
/// </summary>
public sealed class HashRingAllocationStrategy : IActorSystemDependentAllocationStrategy
{
    public const int DefaultMaxRebalancePerRound = 10;

    private readonly int virtualNodes;
    private readonly int maxRebalancePerRound;
    private Func<IActorRef, string?>? nodeIdOfRegion;
    private ILoggingAdapter? log;
    // The coordinator asks once per new shard and once per rebalance tick; the ring only changes with the members.
    private HashRing? cachedRing;

    /// <param name="virtualNodes">points per member on the ring (150, as everywhere in DistSync)</param>
    /// <param name="maxRebalancePerRound">shards in hand-off at once, counting those still in progress</param>
    public HashRingAllocationStrategy(int virtualNodes = HashRing.DefaultVirtualNodes, int maxRebalancePerRound = DefaultMaxRebalancePerRound)
        : this(virtualNodes, maxRebalancePerRound, null)
    {
    }

    /// <summary>For tests: <paramref name="nodeIdOfRegion"/> says a region's node id, or null for "not on the ring".</summary>
    internal HashRingAllocationStrategy(int virtualNodes, int maxRebalancePerRound, Func<IActorRef, string?>? nodeIdOfRegion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(virtualNodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRebalancePerRound, 1);
        this.virtualNodes = virtualNodes;
        this.maxRebalancePerRound = maxRebalancePerRound;
        this.nodeIdOfRegion = nodeIdOfRegion;
    }

    /// <summary>Called by the coordinator before any allocation: binds the strategy to this node's cluster view.</summary>
    public void Start(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        log = Akka.Event.Logging.GetLogger(system, typeof(HashRingAllocationStrategy));
        if (nodeIdOfRegion is not null) return;
        var cluster = Akka.Cluster.Cluster.Get(system);
        nodeIdOfRegion = region => NodeIdOfRegion(cluster, region);
    }

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        ArgumentNullException.ThrowIfNull(currentShardAllocations);
        var placement = PlacementOf(currentShardAllocations.Keys);
        if (placement.Ring.IsEmpty)
        {
            // No region is on the ring (e.g. every member is leaving): any registered region beats no home at all.
            var anyRegion = currentShardAllocations.Keys.OrderBy(r => r.Path.ToString(), StringComparer.Ordinal).FirstOrDefault()
                            ?? requester;
            return Task.FromResult(anyRegion);
        }
        return Task.FromResult(placement.Regions[placement.Ring.OwnerOf(shardId)]);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress)
    {
        ArgumentNullException.ThrowIfNull(currentShardAllocations);
        ArgumentNullException.ThrowIfNull(rebalanceInProgress);
        IImmutableSet<string> none = ImmutableHashSet<string>.Empty;
        int budget = maxRebalancePerRound - rebalanceInProgress.Count;
        if (budget <= 0) return Task.FromResult(none);
        var placement = PlacementOf(currentShardAllocations.Keys);
        if (placement.Ring.IsEmpty) return Task.FromResult(none);

        var moves = ImmutableHashSet.CreateBuilder<string>();
        // Ordered walk, so which shards go first when over budget is the same on every run.
        foreach (var (region, shards) in currentShardAllocations.OrderBy(kv => kv.Key.Path.ToString(), StringComparer.Ordinal))
        {
            // A region off the ring (leaving, gone) hands its shards off on its own; only shards of live regions move.
            if (!placement.OnRing.Contains(region)) continue;
            foreach (var shard in shards.OrderBy(s => s, StringComparer.Ordinal))
            {
                if (rebalanceInProgress.Contains(shard)) continue;
                if (placement.Regions[placement.Ring.OwnerOf(shard)].Equals(region)) continue;
                moves.Add(shard);
                if (moves.Count >= budget) break;
            }
            if (moves.Count >= budget) break;
        }
        if (moves.Count > 0)
            log?.Debug("hash-ring rebalance over [{0}]: moving {1} shard(s) [{2}]", string.Join(",", placement.Ring.Members), moves.Count, string.Join(",", moves));
        return Task.FromResult<IImmutableSet<string>>(moves.ToImmutable());
    }

    private Placement PlacementOf(IEnumerable<IActorRef> regions)
    {
        var resolve = nodeIdOfRegion ?? throw new InvalidOperationException($"{nameof(HashRingAllocationStrategy)} used before Start");
        var byNode = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        var onRing = new HashSet<IActorRef>();
        // Two regions claiming one node id (a restarted incarnation whose old region is not yet gone): the first in
        // path order wins, the same choice on every coordinator.
        foreach (var region in regions.OrderBy(r => r.Path.ToString(), StringComparer.Ordinal))
        {
            var nodeId = resolve(region);
            if (nodeId is null || byNode.ContainsKey(nodeId)) continue;
            byNode[nodeId] = region;
            onRing.Add(region);
        }
        var ring = cachedRing is { } cached && cached.Members.SetEquals(byNode.Keys) ? cached : HashRing.Create(byNode.Keys, virtualNodes);
        cachedRing = ring;
        return new Placement(ring, byNode, onRing);
    }

    /// <summary>The node id of the member hosting <paramref name="region"/>, or null when that member is leaving or
    /// not (yet, or any more) a member.</summary>
    private static string? NodeIdOfRegion(Akka.Cluster.Cluster cluster, IActorRef region)
    {
        // The coordinator's own node's region has a local path, without host or port.
        var address = region.Path.Address.HasLocalScope ? cluster.SelfAddress : region.Path.Address;
        foreach (var member in cluster.State.Members)
        {
            if (!member.Address.Equals(address)) continue;
            return member.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.Joining or Akka.Cluster.MemberStatus.WeaklyUp
                ? NodeIdentity.NodeIdOf(member)
                : null;
        }
        return null;
    }

    private sealed record Placement(HashRing Ring, Dictionary<string, IActorRef> Regions, HashSet<IActorRef> OnRing);
}
