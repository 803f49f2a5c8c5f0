namespace DistSync.Actors;

/// <summary>A path looked up when used (not a wildcard query): Tell resolves the path at send time.</summary>
public sealed class ActorSelection(ActorSystem system, string path)
{
    public string PathString { get; } = path;

    public void Tell(object message, IActorRef? sender = null)
    {
        var target = system.TryResolveActorRef(PathString);
        if (target is null)
        {
            system.DeadLetterRef.Deliver(message, sender, ActorRefs.Nobody);
            return;
        }

        target.Tell(message, sender);
    }

    /// <summary>The live actor at the path, or a failed task with <see cref="ActorNotFoundException"/>.</summary>
    public Task<IActorRef> ResolveOne()
    {
        var target = system.TryResolveActorRef(PathString);
        return target is null
            ? Task.FromException<IActorRef>(new ActorNotFoundException(PathString))
            : Task.FromResult(target);
    }

    public override string ToString() => $"ActorSelection[{PathString}]";
}
