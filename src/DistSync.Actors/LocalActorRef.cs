namespace DistSync.Actors;

/// <summary>The ref of an actor of this system. One per actor; stable across restarts.</summary>
internal sealed class LocalActorRef(ActorCell cell) : IInternalActorRef
{
    public ActorCell Cell { get; } = cell;

    public ActorPath Path => Cell.Path;

    public ActorSystem System => Cell.System;

    public bool IsTerminated => Cell.IsDead;

    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message), "An actor message cannot be null.");
        }

        Cell.Mailbox.Post(message, sender);
    }

    public void AddWatcher(IActorRef watcher) => Cell.Mailbox.PostSystem(new WatchActor(watcher));

    public void RemoveWatcher(IActorRef watcher) => Cell.Mailbox.PostSystem(new UnwatchActor(watcher));

    public void Stop() => Cell.Mailbox.PostSystem(StopActor.Instance);

    public override string ToString() => $"[{Path}]";
}
