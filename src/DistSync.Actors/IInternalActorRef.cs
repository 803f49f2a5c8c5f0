namespace DistSync.Actors;

/// <summary>
/// A ref that belongs to an <see cref="ActorSystem"/> and takes part in death watch. Local refs implement it;
/// remote refs (DistSync.Actors.Remote) implement it so that <c>Ask</c>, <c>Watch</c> and <c>Stop</c> work on them.
/// </summary>
public interface IInternalActorRef : IActorRef
{
    ActorSystem System { get; }

    /// <summary>True once the actor is known to be stopped.</summary>
    bool IsTerminated { get; }

    /// <summary>Registers <paramref name="watcher"/>: it will be told <see cref="Terminated"/> when this actor stops
    /// (at once if it is already stopped).</summary>
    void AddWatcher(IActorRef watcher);

    void RemoveWatcher(IActorRef watcher);

    /// <summary>Asks the actor to stop (a system message, ahead of ordinary messages).</summary>
    void Stop();
}
