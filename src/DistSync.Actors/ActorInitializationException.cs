namespace DistSync.Actors;

/// <summary>Creating the actor instance (the Props factory or constructor) or PreStart failed.</summary>
public sealed class ActorInitializationException(ActorPath path, Exception inner)
    : Exception($"Actor {path} could not be initialised: {inner.Message}", inner)
{
    public ActorPath Path { get; } = path;
}
