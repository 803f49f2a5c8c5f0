namespace DistSync.Client.Contracts;

/// <summary><c>POST /queue/consume</c> body: lease up to <c>max</c> (1..1000, default 1) messages for <c>visibilityMs</c>
/// (default 30000); <c>waitMs</c> long-polls when none is ready; leases of a <c>sessionId</c> return when it ends.</summary>
public sealed record ConsumeRequest(string? Queue, int? Max = null, long? VisibilityMs = null, long? WaitMs = null, string? SessionId = null);
