using DistSync.Actors;

namespace DistSync.TestKit;

/// <summary>One message a probe received, with its sender.</summary>
public readonly record struct ReceivedMessage(object Message, IActorRef Sender);
