using Akka.Actor;
using Akka.Event;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Downing;

/// <summary>
/// The downing actor of <see cref="RaftDowningProvider"/>: downs exactly the members it is told to
/// (<see cref="DownMember"/> on the event stream) and never acts on unreachability by itself.
/// </summary>
public sealed class RaftDowningActor : ReceiveActor
{
    private readonly ILoggingAdapter log = Context.GetLogger();

    public RaftDowningActor()
    {
        var cluster = AkkaCluster.Get(Context.System);
        Receive<DownMember>(m =>
        {
            // Match by system@host:port: the caller may hold a scheme-less (Raft-persisted) address.
            var target = m.Address;
            foreach (var member in cluster.State.Members)
            {
                var a = member.Address;
                if (a.System == target.System && a.Host == target.Host && a.Port == target.Port)
                {
                    log.Info("downing {0} ({1})", a, m.Reason);
                    cluster.Down(a);
                    return;
                }
            }
            log.Info("not downing {0}: not a cluster member ({1})", target, m.Reason);
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DownMember));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
