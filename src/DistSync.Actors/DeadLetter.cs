namespace DistSync.Actors;

/// <summary>Published on the <see cref="EventStream"/> for every message that could not be delivered.</summary>
public sealed record DeadLetter(object Message, IActorRef Sender, IActorRef Recipient);
