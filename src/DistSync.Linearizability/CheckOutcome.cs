namespace DistSync.Linearizability;

/// <summary>The verdict of a linearizability check.</summary>
public enum CheckOutcome
{
    /// <summary>The history is linearizable.</summary>
    Ok,

    /// <summary>The history is not linearizable: some part has no legal order.</summary>
    Illegal,

    /// <summary>The checker ran out of time (or was cancelled) before deciding.</summary>
    Unknown,
}
