namespace DistSync.Raft.Simulation;

/// <summary>One client operation of a simulated history. <see cref="Result"/> is null when the call timed out (unknown outcome).</summary>
public sealed record SimKvOperation(
    int ClientId,
    SimKvOperationKind Kind,
    string Key,
    string? Value,
    long ExpectedVersion,
    long CallTime,
    long ReturnTime,
    SimKvResult? Result);
