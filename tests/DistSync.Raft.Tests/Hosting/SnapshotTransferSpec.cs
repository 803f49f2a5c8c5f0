using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// A follower that was down while the leader snapshotted and compacted three times catches up by a chunked snapshot
/// install over real remoting and sqlite, with one chunk outstanding at a time: the leader sends each chunk once,
/// plus at most one resend per retransmit timeout (an election timeout).
/// </summary>
public sealed class SnapshotTransferSpec
{
    private const int ChunkSize = 256;

    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    [Fact]
    public async Task A_follower_down_during_three_snapshots_installs_one_chunk_at_a_time()
    {
        // 1. three nodes on sqlite, snapshots every 40 entries, 256-byte chunks; a few writes reach everyone. Two appends
        //    in flight per follower at most: remoting holds messages for a peer that is down and delivers them when it
        //    is back, so with a wide window the stopped follower would simply receive the whole log it missed.
        var settings = HostedNode.FastSettings(snapshotEvery: 40) with { SnapshotChunkSize = ChunkSize, MaxInflightMsgs = 2 };
        await using var cluster = await HostedCluster.StartAsync(3, settings, sqlite: true);
        var leader = await cluster.AwaitLeaderAsync();
        var expected = new List<string>();
        for (int i = 1; i <= 20; i++)
        {
            await leader.ProposeAsync(Item(i), Deadline);
            expected.Add(Item(i));
        }
        var follower = cluster.Nodes.First(n => n != leader);
        await HostedCluster.AwaitAppliedAsync([follower], expected);

        // 2. the follower stops; the leader snapshots three more times and compacts past the follower's log
        long followerLast = follower.Status.LastIndex;
        await follower.StopAsync();
        long snapshotBefore = leader.Status.SnapshotIndex;
        for (int i = 21; i <= 170; i++)
        {
            await leader.ProposeAsync(Item(i), Deadline);
            expected.Add(Item(i));
        }
        await Eventually.HoldsAsync(() => leader.Status.SnapshotIndex >= snapshotBefore + 3 * 40 && leader.Status.FirstIndex > followerLast + 1,
            HostedCluster.Generous, "the leader snapshotted three times and compacted past the stopped follower");
        long sentBefore = leader.Status.SnapshotChunksSent, resentBefore = leader.Status.SnapshotChunksResent;
        int stateBytes = await leader.Meta.QueryAsync(sm => sm.Snapshot().Length, linearizable: false, Deadline);

        // 3. it restarts and catches up through a snapshot install
        var started = DateTime.UtcNow;
        var restarted = await cluster.RestartAsync(follower);
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
        var elapsed = DateTime.UtcNow - started;
        await Eventually.HoldsAsync(() => restarted.Status.SnapshotIndex > followerLast, HostedCluster.Generous, "the follower installed a snapshot");

        // 4. chunk traffic: each chunk once, plus at most one resend per retransmit timeout that passed
        //    (read from a status published after the transfer: it shows the follower replicating again)
        await Eventually.HoldsAsync(() => leader.Status.Followers.Any(f => f.NodeId == follower.NodeId && f.State == "replicate" && f.MatchIndex >= restarted.Status.SnapshotIndex),
            HostedCluster.Generous, "the leader sees the follower replicating after the install");
        long sent = leader.Status.SnapshotChunksSent - sentBefore;
        long resent = leader.Status.SnapshotChunksResent - resentBefore;
        long chunksNeeded = (stateBytes + 1024 + ChunkSize - 1) / ChunkSize; // + the group snapshot's member list
        var retransmitTimeout = settings.TickInterval * settings.ElectionTick;
        Assert.True(sent >= 30, $"{sent} chunk messages: the snapshot (about {stateBytes} bytes) went in many chunks");
        Assert.True(sent - resent <= chunksNeeded, $"{sent - resent} first sends for at most {chunksNeeded} chunks");
        Assert.True(resent <= elapsed / retransmitTimeout + 1, $"{resent} resends in {elapsed.TotalMilliseconds:0} ms (timeout {retransmitTimeout.TotalMilliseconds:0} ms)");

        // 5. the restarted follower then replicates normally: a new write reaches it
        await leader.ProposeAsync("after-install", Deadline);
        expected.Add("after-install");
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
    }

    // ~100 bytes per item, so the snapshot spans dozens of chunks
    private static string Item(int i) => $"item-{i:D4}-" + new string((char)('a' + i % 26), 90);
}
