namespace DistSync.Actors;

/// <summary>
/// How the runtime delivers <see cref="Terminated"/> to a watcher: it travels behind the dead actor's earlier
/// messages and is unwrapped only if the watcher still watches that actor (an Unwatch in between drops it).
/// A <see cref="Terminated"/> told directly by user code is an ordinary message.
/// </summary>
internal sealed class TerminatedNotice(Terminated terminated) : IAutoReceivedMessage
{
    public Terminated Terminated { get; } = terminated;

    public static void Send(IActorRef watcher, IActorRef dead) =>
        watcher.Tell(new TerminatedNotice(new Terminated(dead)), dead);
}
