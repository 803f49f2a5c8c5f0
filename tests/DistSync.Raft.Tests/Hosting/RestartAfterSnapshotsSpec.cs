using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// Restarts after several snapshots (sqlite journal): a node resumes exactly at its snapshot, replays only the
/// tail after it, never re-applies an entry, and the cluster keeps every acknowledged write. The log keeps a tail
/// of entries BELOW each snapshot (snapshot-every / 4), which is what the journal's log snapshot has to place right.
/// </summary>
public sealed class RestartAfterSnapshotsSpec
{
    private const int SnapshotEvery = 40;

    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    [Fact]
    public async Task A_follower_and_then_the_whole_cluster_restart_after_more_than_two_snapshots()
    {
        // 1. three nodes on sqlite, a snapshot every 40 entries; 170 writes = four snapshots on every node
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(snapshotEvery: SnapshotEvery), sqlite: true);
        var leader = await cluster.AwaitLeaderAsync();
        var expected = new List<string>();
        for (int i = 1; i <= 170; i++)
        {
            await cluster.ProposeThroughElectionsAsync("s" + i, Deadline);
            expected.Add("s" + i);
        }
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
        await Eventually.HoldsAsync(() => cluster.Nodes.All(n => n.Status.SnapshotIndex > 3 * SnapshotEvery && n.Status.FirstIndex <= n.Status.SnapshotIndex),
            HostedCluster.Generous, "every node snapshotted three times and keeps a tail below its snapshot");

        // 2. restart one follower: it resumes at its snapshot and applies only what follows it
        leader = await cluster.AwaitLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        var restarted = await cluster.RestartAsync(follower);
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
        await AssertResumedAtItsSnapshot(restarted);

        // 3. more writes, then stop every node and start them all again on their data
        for (int i = 171; i <= 200; i++)
        {
            await cluster.ProposeThroughElectionsAsync("s" + i, Deadline);
            expected.Add("s" + i);
        }
        foreach (var n in cluster.Nodes.ToList()) await n.StopAsync();
        foreach (var n in cluster.Nodes.ToList()) await cluster.RestartAsync(n);

        // 4. a leader again, nothing lost or doubled, no replica stopped on an apply error, writes go on
        await cluster.AwaitLeaderAsync();
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
        foreach (var n in cluster.Nodes) await AssertResumedAtItsSnapshot(n);
        await cluster.Nodes[1].ProposeAsync("after-restart", Deadline);
        expected.Add("after-restart");
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
        Assert.All(cluster.Nodes, n => Assert.NotEqual("failed", n.Status.Role));
    }

    [Fact]
    public async Task The_whole_cluster_stopped_in_the_middle_of_writes_comes_back_with_every_acknowledged_write()
    {
        // 1. three nodes on sqlite, snapshots every 40 entries, two writers proposing without pause
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(snapshotEvery: SnapshotEvery), sqlite: true);
        await cluster.AwaitLeaderAsync();
        var acknowledged = new List<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            var via = cluster.Nodes[w];
            for (int i = 1; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await via.ProposeAsync($"w{w}-{i}", Deadline);
                    lock (acknowledged) acknowledged.Add($"w{w}-{i}");
                }
                catch (RaftUnavailableException)
                {
                    return; // the node went down under the write: its outcome is unknown
                }
            }
        })).ToList();

        // 2. once more than three snapshots' worth is acknowledged, stop all nodes while the writes are in flight
        await Eventually.HoldsAsync(() => { lock (acknowledged) return acknowledged.Count > 3 * SnapshotEvery + 20; }, HostedCluster.Generous, "writes past three snapshots");
        var stops = cluster.Nodes.ToList().Select(n => n.StopAsync()).ToList();
        await Task.WhenAll(stops);
        stop.Cancel();
        await Task.WhenAll(writers);

        // 3. start them all again: one leader, every acknowledged write applied everywhere, once, in one order
        foreach (var n in cluster.Nodes.ToList()) await cluster.RestartAsync(n);
        var leader = await cluster.AwaitLeaderAsync();
        var final = await leader.LinearizableItemsAsync(Deadline);
        Assert.Equal(final.Length, final.Distinct().Count());
        lock (acknowledged) Assert.Empty(acknowledged.Except(final));
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, final);
        foreach (var n in cluster.Nodes) await AssertResumedAtItsSnapshot(n);
        Assert.All(cluster.Nodes, n => Assert.NotEqual("failed", n.Status.Role));
    }

    /// <summary>The current incarnation restored a snapshot and applied nothing at or below its index.</summary>
    private static async Task AssertResumedAtItsSnapshot(HostedNode node)
    {
        var (restoredAt, firstApplied) = await node.Meta.QueryAsync(sm =>
        {
            var m = (AppendLogStateMachine)sm;
            return (m.RestoredAt, m.FirstAppliedHere);
        }, linearizable: false, Deadline);
        Assert.True(restoredAt > 0, $"{node.NodeId} did not restore a snapshot at start");
        Assert.True(firstApplied == 0 || firstApplied > restoredAt, $"{node.NodeId} restored at {restoredAt} but applied {firstApplied} again");
    }
}
