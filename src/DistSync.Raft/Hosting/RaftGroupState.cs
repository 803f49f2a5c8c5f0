namespace DistSync.Raft.Hosting;

/// <summary>What a <see cref="RaftActor"/> publishes for its <see cref="RaftGroup"/> facade (read from any thread),
/// and the signal that the group is gone for good (requests still queued in its mailbox will never be answered).</summary>
internal sealed class RaftGroupState
{
    private readonly CancellationTokenSource stopped = new();
    private volatile RaftGroupStatus status;

    public RaftGroupState(int groupId, string nodeId) =>
        status = new RaftGroupStatus(groupId, nodeId, "starting", 0, null, 0, 0, 0, [], []);

    public RaftGroupStatus Status
    {
        get => status;
        set => status = value;
    }

    /// <summary>Cancelled when the host stops the group or the actor system terminates.</summary>
    public CancellationToken Stopped => stopped.Token;

    public void MarkStopped()
    {
        try
        {
            stopped.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // already gone
        }
    }
}
