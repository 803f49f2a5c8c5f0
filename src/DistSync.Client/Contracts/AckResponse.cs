namespace DistSync.Client.Contracts;

/// <summary><c>POST /queue/ack</c> answer: how many messages were deleted; <c>unknown</c> lists receipts that named no
/// current lease (already acked, expired and redelivered, or never issued).</summary>
public sealed record AckResponse(int Acked, IReadOnlyList<string> Unknown);
