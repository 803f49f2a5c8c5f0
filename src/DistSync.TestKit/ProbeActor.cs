using DistSync.Actors;

namespace DistSync.TestKit;

/// <summary>The real actor behind a <see cref="TestProbe"/>: queues everything it receives for the test thread.</summary>
internal sealed class ProbeActor(Action<object, IActorRef> onMessage) : ActorBase
{
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case ProbeWatch watch:
                Context.Watch(watch.Target);
                break;
            case ProbeUnwatch unwatch:
                Context.Unwatch(unwatch.Target);
                break;
            default:
                onMessage(message, Sender);
                break;
        }

        return true;
    }

    /// <summary>A stopped actor gets Terminated; a test asserts on it, so it is never a death pact here.</summary>
    protected override void Unhandled(object message)
    {
    }
}

/// <summary>Asks the probe actor to watch <paramref name="Target"/> (watching must happen inside the actor).</summary>
internal sealed record ProbeWatch(IActorRef Target);

internal sealed record ProbeUnwatch(IActorRef Target);
