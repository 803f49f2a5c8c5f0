namespace DistSync.Linearizability.Models;

/// <summary>One holder of a lock; <see cref="FencingToken"/> is 0 when the grant timed out (token unknown).</summary>
public readonly record struct LockHolder(string Owner, LockMode Mode, long FencingToken);
