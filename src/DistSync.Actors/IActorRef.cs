namespace DistSync.Actors;

/// <summary>
/// A handle to an actor. <see cref="Tell"/> never blocks and never throws for a dead target:
/// the message goes to dead letters instead. Safe to use from any thread.
/// </summary>
public interface IActorRef
{
    ActorPath Path { get; }

    void Tell(object message, IActorRef? sender = null);
}
