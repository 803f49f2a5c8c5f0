namespace DistSync.Raft.Hosting;

/// <summary>What a <see cref="RaftActor"/> publishes for its <see cref="RaftGroup"/> facade (read from any thread).</summary>
internal sealed class RaftGroupState
{
    private volatile RaftGroupStatus status;

    public RaftGroupState(int groupId, string nodeId) =>
        status = new RaftGroupStatus(groupId, nodeId, "starting", 0, null, 0, 0, 0, [], []);

    public RaftGroupStatus Status
    {
        get => status;
        set => status = value;
    }
}
