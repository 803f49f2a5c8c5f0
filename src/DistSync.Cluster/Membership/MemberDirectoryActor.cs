using DistSync.Actors;
using DistSync.Actors.Remote;
using DistSync.Cluster.Wire;

namespace DistSync.Cluster.Membership;

/// <summary>
/// Keeps <see cref="MemberDirectory"/> current: when a peer comes up (or back) it asks the peer's
/// <see cref="NodeInfoActor"/> who it is, and retries on a timer until every reachable peer has answered.
/// </summary>
public sealed class MemberDirectoryActor : ReceiveActor, IWithTimers
{
    private sealed record Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private readonly MemberDirectory _directory;
    private readonly ActorSystem _system;
    private readonly TimeSpan _refreshInterval;

    public ITimerScheduler Timers { get; set; } = null!;

    public MemberDirectoryActor(MemberDirectory directory, ActorSystem system, TimeSpan refreshInterval)
    {
        _directory = directory;
        _system = system;
        Receive<PeerUp>(e => AskWhoIs(e.Peer));
        Receive<Reachable>(e => AskWhoIs(e.Peer));
        Receive<NodeInfo>(info =>
        {
            // Trust the address the answer came from, not what the peer claims, to key the entry.
            var from = Sender.Path.Address;
            if (!from.HasLocalScope) _directory.Learn(from, info);
        });
        Receive<Refresh>(_ =>
        {
            foreach (var member in _directory.Members())
            {
                if (member.NodeId is null && member.Status == "up") AskWhoIs(member.Address);
            }
        });
        _refreshInterval = refreshInterval;
    }

    protected override void PreStart()
    {
        _system.EventStream.Subscribe(Self, typeof(PeerUp));
        _system.EventStream.Subscribe(Self, typeof(Reachable));
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, _refreshInterval);
    }

    protected override void PostStop() => _system.EventStream.Unsubscribe(Self);

    private void AskWhoIs(Address peer)
    {
        var target = _system.ActorSelection($"{peer}/system/{NodeInfoActor.Name}");
        target.Tell(new GetNodeInfo(), Self);
    }
}
