namespace DistSync.Actors;

/// <summary>Marker for messages the runtime handles itself before the actor's Receive (one type test per message).</summary>
internal interface IAutoReceivedMessage;
