namespace DistSync.Actors;

/// <summary>Published on the <see cref="EventStream"/> when an actor's Receive did not handle a message.</summary>
public sealed record UnhandledMessage(object Message, IActorRef Sender, IActorRef Recipient);
