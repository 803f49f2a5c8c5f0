namespace DistSync.Raft.Simulation;

public enum SimKvOperationKind
{
    Get = 0,
    Put = 1,
    /// <summary>Put if the key's version equals the expected one (0: only if absent).</summary>
    CompareAndSet = 2,
}
