using Akka.Actor;
using Akka.Cluster;
using DistSync.Cluster.Wire;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Membership;

/// <summary>
/// Keeps <see cref="MemberDirectory"/> current from Akka.Cluster's events: when a member joins, comes up or becomes
/// reachable again it asks the member's <see cref="NodeInfoActor"/> who it is (retrying on a timer until every
/// reachable member has told its HTTP endpoint); when a member is removed it forgets it and its phi.
/// </summary>
public sealed class MemberDirectoryActor : ReceiveActor, IWithTimers
{
    public const string Name = "member-directory";

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private readonly MemberDirectory directory;
    private readonly TimeSpan refreshInterval;
    private readonly AkkaCluster cluster;

    public ITimerScheduler Timers { get; set; } = null!;

    public MemberDirectoryActor(MemberDirectory directory, TimeSpan refreshInterval)
    {
        ArgumentNullException.ThrowIfNull(directory);
        this.directory = directory;
        this.refreshInterval = refreshInterval;
        cluster = AkkaCluster.Get(Context.System);

        Receive<ClusterEvent.MemberJoined>(e => AskWhoIs(e.Member.Address));
        Receive<ClusterEvent.MemberWeaklyUp>(e => AskWhoIs(e.Member.Address));
        Receive<ClusterEvent.MemberUp>(e => AskWhoIs(e.Member.Address));
        Receive<ClusterEvent.ReachableMember>(e => AskWhoIs(e.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(e => directory.Forget(e.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.IReachabilityEvent>(_ => { });
        Receive<NodeInfo>(info =>
        {
            // Key by the address the answer came from, not by what the peer claims.
            var from = Sender.Path.Address;
            if (!from.HasLocalScope) directory.Learn(from, info);
        });
        Receive<Refresh>(_ =>
        {
            foreach (var member in directory.Members())
            {
                if (member.HttpEndpoint is null && member.Status is MemberStatuses.Up or MemberStatuses.Joining) AskWhoIs(member.Address);
            }
        });
    }

    protected override void PreStart()
    {
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, refreshInterval);
    }

    protected override void PostStop() => cluster.Unsubscribe(Self);

    private void AskWhoIs(Address peer)
    {
        if (peer.Equals(cluster.SelfAddress)) return;
        Context.ActorSelection(new RootActorPath(peer) / "system" / NodeInfoActor.Name).Tell(new GetNodeInfo(), Self);
    }
}
