namespace DistSync.Actors;

/// <summary>
/// Where undeliverable messages end: each is counted, published as <see cref="DeadLetter"/> and logged,
/// the log rate-limited to <c>dead-letter-log-limit-per-second</c>.
/// </summary>
internal sealed class DeadLetterActorRef(ActorSystem system, ActorPath path) : IInternalActorRef
{
    private long _count;
    private long _logWindowSecond;
    private int _loggedInWindow;

    public ActorPath Path { get; } = path;

    public ActorSystem System => system;

    public bool IsTerminated => false;

    public long Count => Interlocked.Read(ref _count);

    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is DeadLetter letter)
        {
            Deliver(letter.Message, letter.Sender, letter.Recipient);
            return;
        }

        Deliver(message, sender, this);
    }

    public void Deliver(object message, IActorRef? sender, IActorRef recipient)
    {
        if (message is TimerMessage or TerminatedNotice)
        {
            // A timer that fired while its actor stopped, or a Terminated for a watcher that is gone:
            // runtime noise, not a letter anybody sent.
            return;
        }

        Interlocked.Increment(ref _count);
        var senderRef = sender ?? ActorRefs.Nobody;
        if (message is not DeadLetter and not UnhandledMessage)
        {
            // Never re-publish a DeadLetter that itself could not be delivered (no loops through dead subscribers).
            system.EventStream.Publish(new DeadLetter(message, senderRef, recipient));
        }

        if (system.Settings.LogDeadLetters && MayLog())
        {
            system.Log.Information("Dead letter {MessageType} from {Sender} to {Recipient}: {Message}",
                message.GetType().Name, senderRef.Path.ToString(), recipient.Path.ToString(), message);
        }
    }

    public void AddWatcher(IActorRef watcher) => TerminatedNotice.Send(watcher, this);

    public void RemoveWatcher(IActorRef watcher)
    {
    }

    public void Stop()
    {
    }

    private bool MayLog()
    {
        var second = Environment.TickCount64 / 1000;
        var window = Volatile.Read(ref _logWindowSecond);
        if (second != window && Interlocked.CompareExchange(ref _logWindowSecond, second, window) == window)
        {
            Volatile.Write(ref _loggedInWindow, 0);
        }

        return Interlocked.Increment(ref _loggedInWindow) <= system.Settings.DeadLetterLogLimitPerSecond;
    }

    public override string ToString() => $"[{Path}]";
}
