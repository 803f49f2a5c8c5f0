namespace DistSync.Client.Contracts;

/// <summary><c>POST /queue/ack</c> body: the receipts of the deliveries to delete.</summary>
public sealed record AckRequest(string? Queue, IReadOnlyList<string>? Receipts);
