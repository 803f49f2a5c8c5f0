namespace DistSync.Client.Contracts;

/// <summary><c>POST /queue/produce</c> answer (201, once committed): the message's id and its partition.</summary>
public sealed record ProduceResponse(string MessageId, int Partition);
