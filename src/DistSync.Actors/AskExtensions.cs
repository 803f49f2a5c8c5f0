namespace DistSync.Actors;

/// <summary>Request/response on top of Tell: a temporary ref is the sender, its first reply completes the task.</summary>
public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> and waits for a reply of type <typeparamref name="T"/>. A
    /// <see cref="Status.Failure"/> reply faults the task with its cause; no reply within
    /// <paramref name="timeout"/> faults it with <see cref="AskTimeoutException"/> naming the target path,
    /// the message type and the timeout; a reply of another type faults it with InvalidCastException.
    /// </summary>
    public static Task<T> Ask<T>(this IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An Ask timeout must be positive.");
        }

        var ask = new AskRef<T>((target as IInternalActorRef)?.System, target, message.GetType(), timeout);
        ask.Start(cancellationToken);
        target.Tell(message, ask);
        return ask.Task;
    }

    /// <summary>Ask with the system's default timeout (<c>dsync.actors.ask-timeout</c>, 5 s when unknown).</summary>
    public static Task<T> Ask<T>(this IActorRef target, object message, CancellationToken cancellationToken = default)
    {
        var timeout = (target as IInternalActorRef)?.System.Settings.DefaultAskTimeout ?? TimeSpan.FromSeconds(5);
        return target.Ask<T>(message, timeout, cancellationToken);
    }
}
