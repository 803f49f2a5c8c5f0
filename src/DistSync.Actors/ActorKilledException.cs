namespace DistSync.Actors;

/// <summary>The failure raised inside an actor by <see cref="Kill"/>.</summary>
public sealed class ActorKilledException(string message) : Exception(message);
