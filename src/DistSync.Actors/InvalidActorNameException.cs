namespace DistSync.Actors;

/// <summary>An actor name is empty, malformed, reserved, or already taken by a live sibling.</summary>
public sealed class InvalidActorNameException(string message) : Exception(message);
