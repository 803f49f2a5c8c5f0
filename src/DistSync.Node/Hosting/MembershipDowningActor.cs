using Akka.Actor;
using Akka.Event;
using DistSync.Cluster.Downing;
using DistSync.Cluster.Membership;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Hosting;

/// <summary>
/// Carries Raft's membership decisions into Akka.Cluster: when a node that was a member of the meta group's
/// configuration is no longer in it (the removal was committed: POST /cluster/down, /cluster/leave), its Akka member
/// is downed through <see cref="RaftDowning"/>. Nothing else downs a member, so a partitioned or crashed node stays an
/// (unreachable) Akka member until Raft removes it, and a healed one rejoins without a restart.
/// </summary>
internal sealed class MembershipDowningActor : ReceiveActor, IWithTimers
{
    public const string Name = "membership-downing";

    private sealed class Check
    {
        public static readonly Check Instance = new();
    }

    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly HashSet<string> raftMembers = new(StringComparer.Ordinal);
    private readonly TimeSpan interval;

    public ITimerScheduler Timers { get; set; } = null!;

    public MembershipDowningActor(IRaftGroup meta, MemberDirectory directory, string selfId, TimeSpan interval)
    {
        this.interval = interval;
        Receive<Check>(_ =>
        {
            var current = new HashSet<string>(meta.Status.Members.Select(m => m.NodeId), StringComparer.Ordinal);
            // An empty configuration is "not known yet" (recovering, stopped), never "everyone was removed".
            if (current.Count == 0) return;
            foreach (var removed in raftMembers.Where(id => !current.Contains(id) && id != selfId).ToList())
            {
                raftMembers.Remove(removed);
                if (directory.AddressOf(removed) is { } address)
                {
                    log.Info("{0} left the meta group's configuration: downing its cluster member {1}", removed, address);
                    RaftDowning.Down(Context.System, address, $"removed from the meta group ({removed})");
                }
            }
            raftMembers.UnionWith(current);
        });
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("check", Check.Instance, interval);
}
