using Akka.Actor;
using Akka.Event;

namespace DistSync.Cluster.Metrics;

/// <summary>Counts every dead letter of its actor system into <see cref="ClusterMeter"/>: Akka logs only the first
/// few (akka.log-dead-letters), so without a count a steady loss would go unseen.</summary>
public sealed class DeadLetterCounter : ReceiveActor
{
    public const string Name = "dead-letter-counter";

    public DeadLetterCounter()
    {
        Receive<DeadLetter>(_ => ClusterMeter.CountDeadLetter());
    }

    /// <summary>Starts the counter as a system actor of <paramref name="system"/>.</summary>
    public static IActorRef Start(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        ClusterMeter.EnsureCreated();
        return ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new DeadLetterCounter()), Name);
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
