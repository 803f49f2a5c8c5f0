namespace DistSync.Raft.Simulation;

/// <summary>Answer of the simulated key-value store. Versions are the log index of the write.</summary>
public sealed record SimKvResult(bool Ok, string? Value, long Version);
