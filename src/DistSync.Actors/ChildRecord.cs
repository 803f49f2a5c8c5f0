namespace DistSync.Actors;

/// <summary>A parent's bookkeeping for one child.</summary>
internal sealed class ChildRecord(ActorCell cell)
{
    public ActorCell Cell { get; } = cell;

    public ChildRestartStats Stats { get; } = new();

    /// <summary>Set once the parent asked the child to stop (so restarts wait for exactly these children).</summary>
    public volatile bool Stopping;
}
