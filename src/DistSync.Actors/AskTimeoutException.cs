namespace DistSync.Actors;

/// <summary>An Ask got no reply in time. The message names the target, the message type and the timeout.</summary>
public sealed class AskTimeoutException(string message) : TimeoutException(message);
