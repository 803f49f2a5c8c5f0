namespace DistSync.Client.Contracts;

/// <summary><c>POST /queue/nack</c> answer: returned to the queue, moved to its dead-letter queue (delivered
/// max-deliveries times), and receipts that named no current lease.</summary>
public sealed record NackResponse(int Nacked, int DeadLettered, IReadOnlyList<string> Unknown);
