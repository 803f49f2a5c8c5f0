namespace DistSync.Raft.Tests.Hosting;

/// <summary>Members join through a seed (learner, then voter) and are removed, while writes keep flowing.</summary>
public sealed class HostedMembershipSpec
{
    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    [Fact]
    public async Task A_node_joins_as_a_learner_is_promoted_and_another_is_removed_while_writes_flow()
    {
        // 1. three founding nodes, a leader
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(snapshotEvery: 50));
        var leader = await cluster.AwaitLeaderAsync();

        // 2. a writer keeps proposing through a node that stays throughout
        var writerNode = cluster.Nodes.First(n => n != leader);
        var acknowledged = new List<string>();
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (int i = 1; !stopWriting.IsCancellationRequested; i++)
            {
                try
                {
                    await writerNode.ProposeAsync("w" + i, Deadline);
                    lock (acknowledged) acknowledged.Add("w" + i);
                }
                catch (DistSync.Raft.Hosting.RaftUnavailableException)
                {
                    // outcome unknown during a change: not counted as acknowledged
                }
            }
        });
        await Eventually.HoldsAsync(() => { lock (acknowledged) return acknowledged.Count >= 20; }, HostedCluster.Generous, "20 writes acknowledged");

        // 3. n4 starts empty and asks a seed to join: added as a learner, promoted to voter once caught up
        var n4 = await cluster.JoinAsync("n4", writerNode);
        await Eventually.HoldsAsync(() => leader.Status.Members.Any(m => m.NodeId == "n4" && m.Kind == "voter") || cluster.Live.Any(n => n.Status.Members.Any(m => m.NodeId == "n4" && m.Kind == "voter")),
            HostedCluster.Generous, "n4 is a voter");
        await Eventually.HoldsAsync(() => n4.Status.Members.Any(m => m.NodeId == "n4" && m.Kind == "voter"), HostedCluster.Generous, "n4 knows it votes");

        // 4. remove a founding node that is neither the writer's node nor n4
        var removed = cluster.Nodes.First(n => n != writerNode && n != n4);
        await writerNode.Meta.RemoveMemberAsync(removed.NodeId, Deadline);
        var remaining = cluster.Nodes.Where(n => n != removed).ToList();
        await Eventually.HoldsAsync(() => remaining.All(n => n.Status.Members.Count == 3 && n.Status.Members.All(m => m.NodeId != removed.NodeId && m.Kind == "voter")),
            HostedCluster.Generous, "the remaining three see a configuration without " + removed.NodeId);
        await removed.StopAsync();

        // 5. writes go on with the new configuration; every acknowledged write is on all remaining members, in order
        int before;
        lock (acknowledged) before = acknowledged.Count;
        await Eventually.HoldsAsync(() => { lock (acknowledged) return acknowledged.Count >= before + 20; }, HostedCluster.Generous, "20 more writes after the removal");
        stopWriting.Cancel();
        await writer;
        await cluster.AwaitLeaderAsync(remaining);
        var final = await writerNode.LinearizableItemsAsync(Deadline);
        lock (acknowledged) Assert.Empty(acknowledged.Except(final));
        await HostedCluster.AwaitAppliedAsync(remaining, final);
    }
}
