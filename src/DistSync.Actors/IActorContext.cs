using Serilog;

namespace DistSync.Actors;

/// <summary>The actor's view of itself and the runtime. Use it only from within the actor's own turn.</summary>
public interface IActorContext
{
    IActorRef Self { get; }

    /// <summary>Sender of the current message (dead letters when there is none).</summary>
    IActorRef Sender { get; }

    IActorRef Parent { get; }

    ActorSystem System { get; }

    Props Props { get; }

    /// <summary>Live children (not those already asked to stop).</summary>
    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>Logger enriched with this actor's path (property <c>ActorPath</c>).</summary>
    ILogger Log { get; }

    IActorRef? Child(string name);

    /// <summary>Creates a child; the name must be unique among live siblings (generated when null).</summary>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops a child, or any actor (including Self), asynchronously.</summary>
    void Stop(IActorRef actor);

    /// <summary>This actor will receive <see cref="Terminated"/> when <paramref name="subject"/> stops
    /// (at once if it already has).</summary>
    IActorRef Watch(IActorRef subject);

    IActorRef Unwatch(IActorRef subject);
}
