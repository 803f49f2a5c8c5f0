using Akka.Actor;

namespace DistSync.Cache.Messages;

/// <summary>Local, an evicting line to the node cache: a read or write that reached the line after it started to go;
/// the node cache holds it for the key's next line.</summary>
public sealed record ReturnedCommand(object Command, IActorRef ReplyTo);
