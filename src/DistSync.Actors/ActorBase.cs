using Serilog;

namespace DistSync.Actors;

/// <summary>
/// Base of every actor. The runtime calls <see cref="Receive"/> for one message at a time; state in fields
/// needs no locks. Create actors only through <see cref="Props"/> and <c>ActorOf</c>.
/// </summary>
public abstract class ActorBase
{
    protected ActorBase()
    {
        Cell = ActorCell.Constructing
            ?? throw new InvalidOperationException(
                $"{GetType().Name} must be created by ActorSystem.ActorOf or Context.ActorOf from Props, not with 'new'.");
    }

    internal ActorCell Cell { get; }

    protected IActorRef Self => Cell.Self;

    /// <summary>Sender of the current message; stays valid across awaits in a ReceiveAsync handler.</summary>
    protected IActorRef Sender => Cell.Sender;

    protected IActorContext Context => Cell;

    /// <summary>Logger carrying <c>NodeId</c> and this actor's <c>ActorPath</c>.</summary>
    protected ILogger Log => Cell.Log;

    /// <summary>Handles one message; returns false when it was not handled.</summary>
    protected abstract bool Receive(object message);

    protected virtual void PreStart()
    {
    }

    protected virtual void PostStop()
    {
    }

    /// <summary>Before the old instance is dropped. Default: stop all children, then <see cref="PostStop"/>.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children)
        {
            Context.Unwatch(child);
            Context.Stop(child);
        }

        PostStop();
    }

    /// <summary>On the fresh instance after a restart. Default: <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason)
    {
        PreStart();
    }

    /// <summary>How this actor supervises its children; default from config (<c>dsync.actors.supervision</c>).</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Cell.System.Settings.DefaultSupervisorStrategy;

    /// <summary>Called for unhandled messages: an unhandled <see cref="Terminated"/> raises
    /// <see cref="DeathPactException"/>; others are logged and published as <see cref="UnhandledMessage"/>.</summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.ActorRef);
        }

        var system = Cell.System;
        if (system.Settings.LogUnhandled)
        {
            Log.Warning("Unhandled message {MessageType} from {Sender}: {Message}", message.GetType().Name, Sender.Path.ToString(), message);
        }

        system.EventStream.Publish(new UnhandledMessage(message, Sender, Self));
    }

    internal void AroundReceive(object message)
    {
        if (!Receive(message))
        {
            Unhandled(message);
        }
    }

    internal virtual void AfterConstruction()
    {
    }

    internal void AroundPreStart() => PreStart();

    internal void AroundPostStop() => PostStop();

    internal void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void AroundPostRestart(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy SupervisorStrategyInternal() => SupervisorStrategy();
}
