namespace DistSync.Client.Contracts;

/// <summary>One leased message of a <c>POST /queue/consume</c> answer; <c>receipt</c> acks or nacks this delivery.</summary>
public sealed record ConsumedMessage(string MessageId, string Receipt, string Payload, string? Key, int Priority, int DeliveryCount);
