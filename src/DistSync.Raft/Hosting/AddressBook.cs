using Akka.Actor;
using DistSync.Cluster;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

/// <summary>
/// nodeId &lt;-&gt; Raft id &lt;-&gt; remoting address of every member a group has heard of, with a cached ref to each
/// peer's <see cref="RaftRouter"/>. Filled from conf-change contexts (log and snapshots), the initial members and
/// the senders of inbound messages. Owned by one RaftActor (not thread-safe).
/// </summary>
internal sealed class AddressBook
{
    private readonly ExtendedActorSystem system;
    private readonly Dictionary<ulong, MemberInfo> byRaftId = new();
    private readonly Dictionary<ulong, IActorRef> routers = new();

    public AddressBook(ActorSystem system) => this.system = (ExtendedActorSystem)system;

    public IEnumerable<MemberInfo> Members => byRaftId.Values;

    public bool TryGet(ulong raftId, out MemberInfo member) => byRaftId.TryGetValue(raftId, out member!);

    public string NodeIdOf(ulong raftId) => byRaftId.TryGetValue(raftId, out var m) ? m.NodeId : raftId.ToString("x16");

    /// <summary>Learns or updates a member; an empty field never overwrites a known one.</summary>
    public void Learn(MemberInfo info)
    {
        if (string.IsNullOrEmpty(info.NodeId)) return;
        ulong id = RaftIds.FromNodeId(info.NodeId);
        if (byRaftId.TryGetValue(id, out var known))
        {
            var merged = known.Clone();
            if (info.RemoteAddress.Length > 0 && info.RemoteAddress != known.RemoteAddress)
            {
                merged.RemoteAddress = info.RemoteAddress;
                routers.Remove(id);
            }
            if (info.HttpEndpoint.Length > 0) merged.HttpEndpoint = info.HttpEndpoint;
            byRaftId[id] = merged;
            return;
        }
        byRaftId[id] = info.Clone();
    }

    /// <summary>Remembers where a message from <paramref name="raftId"/> came from, so a node that does not know
    /// the sender yet (a joining node) can answer it.</summary>
    public void LearnSender(ulong raftId, IActorRef? sender)
    {
        if (sender is null || sender.IsNobody() || routers.ContainsKey(raftId)) return;
        var address = sender.Path.Address;
        if (address.Host is null) return;
        if (byRaftId.TryGetValue(raftId, out var known) && known.RemoteAddress.Length > 0) return; // RouterOf uses the known address
        routers[raftId] = RouterAt(system, address);
    }

    /// <summary>The Raft id of the member at <paramref name="address"/> (host and port), or 0 when none is known there.</summary>
    public ulong RaftIdAt(Address address)
    {
        foreach (var (id, member) in byRaftId)
        {
            if (NodeAddress.TryParse(member.RemoteAddress, address.Protocol, out var known) && known.Host == address.Host && known.Port == address.Port)
                return id;
        }
        return 0;
    }

    /// <summary>The RaftRouter of the member, or null when its address is unknown.</summary>
    public IActorRef? RouterOf(ulong raftId)
    {
        if (routers.TryGetValue(raftId, out var router)) return router;
        if (!byRaftId.TryGetValue(raftId, out var member)) return null;
        if (!NodeAddress.TryParse(member.RemoteAddress, system.Provider.DefaultAddress.Protocol, out var address)) return null;
        router = RouterAt(system, address);
        routers[raftId] = router;
        return router;
    }

    /// <summary>The router at <c>/system/raft</c> of the node at <paramref name="address"/> (a remote ref costs no
    /// network traffic to make; messages to a node that is down are dropped by the transport).</summary>
    public static IActorRef RouterAt(ActorSystem system, Address address)
    {
        var ext = (ExtendedActorSystem)system;
        var local = ext.Provider.DefaultAddress;
        var target = address.Protocol == local.Protocol ? address : address.WithProtocol(local.Protocol);
        return ext.Provider.ResolveActorRef(new RootActorPath(target) / "system" / RaftRouter.Name);
    }
}
