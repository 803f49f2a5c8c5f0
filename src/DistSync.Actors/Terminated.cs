namespace DistSync.Actors;

/// <summary>Told to every watcher when a watched actor has stopped. Unhandled, it fails the watcher with
/// <see cref="DeathPactException"/>.</summary>
public sealed record Terminated(IActorRef ActorRef);
