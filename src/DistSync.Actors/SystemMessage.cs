namespace DistSync.Actors;

/// <summary>Runtime control messages. They travel in their own queue and are processed before user messages.</summary>
internal abstract class SystemMessage;

/// <summary>Create the actor instance and run PreStart (the first message of every cell).</summary>
internal sealed class CreateActor : SystemMessage
{
    public static readonly CreateActor Instance = new();
}

/// <summary>Stop the actor: children first, then PostStop, then Terminated to watchers.</summary>
internal sealed class StopActor : SystemMessage
{
    public static readonly StopActor Instance = new();
}

/// <summary>Continue after a failure, keeping the instance (Directive.Resume).</summary>
internal sealed class ResumeActor : SystemMessage
{
    public static readonly ResumeActor Instance = new();
}

/// <summary>Replace the instance after a failure (Directive.Restart).</summary>
internal sealed class RecreateActor(Exception cause, object? failedMessage) : SystemMessage
{
    public Exception Cause { get; } = cause;

    public object? FailedMessage { get; } = failedMessage;
}

internal sealed class WatchActor(IActorRef watcher) : SystemMessage
{
    public IActorRef Watcher { get; } = watcher;
}

internal sealed class UnwatchActor(IActorRef watcher) : SystemMessage
{
    public IActorRef Watcher { get; } = watcher;
}

/// <summary>A child reports its failure to its parent.</summary>
internal sealed class ChildFailed(ActorCell child, Exception cause, object? message) : SystemMessage
{
    public ActorCell Child { get; } = child;

    public Exception Cause { get; } = cause;

    public object? Message { get; } = message;
}

/// <summary>A child reports that it has fully stopped (after its own children and PostStop).</summary>
internal sealed class ChildStopped(ActorCell child) : SystemMessage
{
    public ActorCell Child { get; } = child;
}
