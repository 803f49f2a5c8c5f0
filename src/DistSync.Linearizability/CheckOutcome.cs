namespace DistSync.Linearizability;

/// <summary>The verdict of a linearizability or sequential-consistency check.</summary>
public enum CheckOutcome
{
    /// <summary>The history is linearizable (or sequentially consistent).</summary>
    Ok,

    /// <summary>The history is not linearizable (or not sequentially consistent): some part has no legal order.</summary>
    Illegal,

    /// <summary>The checker ran out of time (or was cancelled) before deciding.</summary>
    Unknown,
}
