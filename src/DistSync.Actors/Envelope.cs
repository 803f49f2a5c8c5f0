namespace DistSync.Actors;

/// <summary>One queued user message. A struct, so the channel stores it inline: no allocation per Tell
/// beyond the message itself.</summary>
internal readonly record struct Envelope(object Message, IActorRef? Sender);
