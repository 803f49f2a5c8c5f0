namespace DistSync.Actors;

/// <summary>An <see cref="ActorSelection"/> did not match a live actor.</summary>
public sealed class ActorNotFoundException(string path) : Exception($"No live actor at '{path}'.")
{
    public string PathText { get; } = path;
}
