namespace DistSync.Linearizability;

/// <summary>What every checker's per-part result has: its outcome.</summary>
public interface IPartitionVerdict
{
    CheckOutcome Outcome { get; }
}
