using System.Net;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Linearizability;
using DistSync.Linearizability.Models;

namespace DistSync.Node.Tests.Locks;

/// <summary>
/// Locks across node loss on three in-process nodes: session expiry hands locks on, leader failover keeps them, and a
/// session that could not renew during an election gets a grace period under the new leader.
/// </summary>
public class LockFailoverSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task When_the_holders_node_is_stopped_the_lock_goes_to_the_next_waiter_after_the_session_ttl()
    {
        // 1. holder on follower A (TTL 2 s, kept alive through A), waiter on follower B
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var a = (leader + 1) % 3;
        var b = (leader + 2) % 3;
        var holder = await cluster.Clients[a].CreateSessionAsync(TimeSpan.FromSeconds(2));
        var held = await cluster.Clients[a].AcquireAsync("res", holder.SessionId);
        using var stopKeepAlive = new CancellationTokenSource();
        var keptAlive = 0;
        var keepAlive = Task.Run(async () =>
        {
            while (!stopKeepAlive.IsCancellationRequested)
            {
                try
                {
                    await cluster.Clients[a].KeepAliveAsync(holder.SessionId);
                    Interlocked.Increment(ref keptAlive);
                }
                catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
                {
                    // node A is gone: the session is left to expire
                }
                await Task.Delay(400);
            }
        });
        var waiter = await cluster.Clients[b].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var waiting = cluster.Clients[b].AcquireAsync("res", waiter.SessionId, wait: TimeSpan.FromSeconds(30));

        // 2. while keepalives flow (past several TTLs) the holder keeps the lock
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref keptAlive)), n => n >= 8, Patience, "eight keepalives (> 1 TTL)");
        var status = await cluster.Clients[b].GetLockStatusAsync("res");
        Assert.Equal(holder.SessionId, Assert.Single(status.Holders).SessionId);
        Assert.False(waiting.IsCompleted);

        // 3. node A stops: no more keepalives; the session expires by log time and the waiter is granted
        await cluster.Nodes[a].StopAsync();
        var granted = await waiting.WaitAsync(Patience);
        Assert.True(granted.FencingToken > held.FencingToken);
        await stopKeepAlive.CancelAsync();
        await keepAlive;
        await Assert.ThrowsAsync<SessionNotFoundException>(() => cluster.Clients[b].KeepAliveAsync(holder.SessionId));
    }

    [Fact]
    public async Task A_leader_failover_keeps_holds_and_waits_and_grants_nothing_twice()
    {
        // 1. holder on follower F1, a waiter on follower F2, sessions kept alive through their nodes
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var f1 = (leader + 1) % 3;
        var f2 = (leader + 2) % 3;
        var holder = await cluster.Clients[f1].CreateSessionAsync(TimeSpan.FromSeconds(15));
        var waiter = await cluster.Clients[f2].CreateSessionAsync(TimeSpan.FromSeconds(15));
        using var stop = new CancellationTokenSource();
        var keepAlives = new[] { KeepAliveLoop(cluster.Clients[f1], holder.SessionId, stop.Token), KeepAliveLoop(cluster.Clients[f2], waiter.SessionId, stop.Token) };
        var held = await cluster.Clients[f1].AcquireAsync("fo", holder.SessionId);
        var waiting = cluster.Clients[f2].AcquireAsync("fo", waiter.SessionId, wait: TimeSpan.FromSeconds(40));
        await Eventually.Until(() => cluster.Clients[f2].GetLockStatusAsync("fo"), s => s.Waiters.Count == 1, Patience, "the waiter is queued");

        // 2. the leader stops; a new leader is elected among F1 and F2
        await cluster.Nodes[leader].StopAsync();
        await Eventually.Until(() => Task.FromResult(cluster.Nodes[f1].Meta.Status.Leader),
            l => l is not null && l != cluster.Nodes[leader].Settings.NodeId && l == cluster.Nodes[f2].Meta.Status.Leader, Patience, "a new leader");

        // 3. the hold and the wait survived: same holder and token, the waiter still queued
        var status = await Eventually.Until(() => cluster.Clients[f2].GetLockStatusAsync("fo"), _ => true, Patience, "status after failover");
        Assert.Equal((holder.SessionId, held.FencingToken), (Assert.Single(status.Holders).SessionId, status.Holders[0].FencingToken));
        Assert.Equal(waiter.SessionId, Assert.Single(status.Waiters).SessionId);
        Assert.False(waiting.IsCompleted);

        // 4. the holder releases; the waiter's original request answers with a larger token, and is the only holder
        await Eventually.Until(async () => await cluster.Clients[f1].ReleaseAsync("fo", holder.SessionId) || true, ok => ok, Patience, "release after failover");
        var granted = await waiting.WaitAsync(Patience);
        Assert.True(granted.FencingToken > held.FencingToken);
        Assert.Equal(waiter.SessionId, Assert.Single((await cluster.Clients[f1].GetLockStatusAsync("fo")).Holders).SessionId);
        await stop.CancelAsync();
        await Task.WhenAll(keepAlives);
    }

    [Fact]
    public async Task A_session_that_could_not_renew_during_an_election_is_still_alive_past_its_deadline_under_the_new_leader()
    {
        // 1. a session (TTL 5 s) holds a lock; the two followers stop reaching each other, so only the leader joins them
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var (f1, f2) = ((leader + 1) % 3, (leader + 2) % 3);
        var session = await cluster.Clients[f1].CreateSessionAsync(TimeSpan.FromSeconds(5));
        var held = await cluster.Clients[f1].AcquireAsync("grace", session.SessionId);
        await cluster.Faults.BlockBothAsync(cluster.Nodes[f1], cluster.Nodes[f2]);
        var kept = await cluster.Clients[f1].KeepAliveAsync(session.SessionId);
        // The leader stamped the keepalive before this answer arrived, so the session's deadline is no later than this.
        var oldDeadline = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(kept.ExpiresInMs);
        var oldTerm = cluster.Nodes[f1].Meta.Status.Term;

        // 2. the leader stops: neither follower can win an election alone, so nothing commits until past the deadline
        await cluster.Nodes[leader].StopAsync();
        var gap = oldDeadline - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (gap > TimeSpan.Zero) await Task.Delay(gap); // the scenario itself: the deadline passes with no leader
        Assert.All(new[] { f1, f2 }, i => Assert.NotEqual("leader", cluster.Nodes[i].Meta.Status.Role));

        // 3. heal: a new leader is elected among the followers
        await cluster.Faults.HealAllAsync();
        var newLeaderId = await Eventually.Until(() => Task.FromResult(cluster.Nodes[f1].Meta.Status.Leader),
            l => l is not null && l != cluster.Nodes[leader].Settings.NodeId && l == cluster.Nodes[f2].Meta.Status.Leader, Patience, "a new leader");
        var newLeader = cluster.Nodes.FindIndex(n => n.Settings.NodeId == newLeaderId);
        Assert.True(cluster.Nodes[newLeader].Meta.Status.Term > oldTerm);

        // 4. the first keepalive, past the old deadline, finds the session alive (the new term's first entry renewed it)
        var renewed = await KeepAliveThroughElectionAsync(cluster.Clients[newLeader], session.SessionId);
        Assert.True(DateTimeOffset.UtcNow > oldDeadline);
        Assert.Equal(session.SessionId, renewed.SessionId);

        // 5. it still holds its lock, with the same token
        var status = await cluster.Clients[newLeader].GetLockStatusAsync("grace");
        Assert.Equal((session.SessionId, held.FencingToken), (Assert.Single(status.Holders).SessionId, status.Holders[0].FencingToken));
    }

    [Fact]
    public async Task A_lock_history_under_a_leader_stop_is_linearizable_with_mutual_exclusion_and_increasing_tokens()
    {
        // 1. four clients, each with its own session, acquire and release two resources through every node
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var recorder = new HistoryRecorder<LockInput, LockOutput>();
        using var stop = new CancellationTokenSource();
        var sessions = new List<string>();
        for (var c = 0; c < 4; c++) sessions.Add((await cluster.Clients[c % 3].CreateSessionAsync(TimeSpan.FromSeconds(15))).SessionId);
        var keepAlives = sessions.Select((s, c) => KeepAliveLoop(cluster.Clients.ToArray(), c, s, stop.Token)).ToList();
        var clients = Enumerable.Range(0, 4).Select(c => ClientLoopAsync(c, sessions[c], cluster.Clients.ToArray(), recorder, stop.Token)).ToList();

        // 2. let them work, stop the leader, let them work on the two survivors
        await Eventually.Until(() => Task.FromResult(recorder.Count), n => n >= 60, Patience, "60 operations before the leader stops");
        await cluster.Nodes[leader].StopAsync();
        var before = recorder.Count;
        await Eventually.Until(() => Task.FromResult(recorder.Count), n => n >= before + 60, Patience, "60 more operations after the leader stopped");
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        await Task.WhenAll(keepAlives);

        // 3. the history is linearizable against the lock model (exclusive alone, tokens strictly increasing)
        var history = recorder.ToHistory();
        var result = LinearizabilityChecker.Check(new LockModel(), history, TimeSpan.FromSeconds(60));
        Assert.True(result.Outcome == CheckOutcome.Ok, result.Explain());
        Assert.Contains(history, op => op.Input.Kind == LockOperationKind.Acquire && op.Output.IsKnown && op.Output.Value.Ok);
    }

    private static async Task ClientLoopAsync(int client, string session, DistSyncClient[] nodes, HistoryRecorder<LockInput, LockOutput> recorder, CancellationToken stop)
    {
        var random = new Random(500 + client);
        var node = client % nodes.Length;
        string[] resources = ["a", "b"];
        while (!stop.IsCancellationRequested)
        {
            var resource = resources[random.Next(resources.Length)];
            var mode = random.Next(3) == 0 ? LockMode.Shared : LockMode.Exclusive;
            var call = recorder.Call(client, LockInput.Acquire(resource, session, mode));
            var mayHold = true;
            try
            {
                var granted = await nodes[node].AcquireAsync(resource, session, mode == LockMode.Shared ? LockAccess.Shared : LockAccess.Exclusive, TimeSpan.FromMilliseconds(800));
                recorder.Return(call, LockOutput.Granted(granted.FencingToken));
            }
            catch (LockNotGrantedException)
            {
                recorder.Return(call, LockOutput.NotGranted);
                mayHold = false;
            }
            catch (Exception e) when (IsUnknown(e))
            {
                recorder.TimedOut(call);
                node = (node + 1) % nodes.Length;
            }

            if (!mayHold) continue;
            var release = recorder.Call(client, LockInput.Release(resource, session));
            try
            {
                recorder.Return(release, LockOutput.Released(await nodes[node].ReleaseAsync(resource, session)));
            }
            catch (Exception e) when (IsUnknown(e))
            {
                recorder.TimedOut(release);
                node = (node + 1) % nodes.Length;
            }
        }
    }

    /// <summary>Retries only "no quorum yet" answers; a 404 (the session expired) fails at once.</summary>
    private static async Task<KeepAliveResponse> KeepAliveThroughElectionAsync(DistSyncClient client, string session)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await client.KeepAliveAsync(session);
            }
            catch (Exception e) when (IsUnknown(e) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static bool IsUnknown(Exception e) =>
        e is NodeUnreachableException or DistSyncApiException { StatusCode: HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError };

    private static Task KeepAliveLoop(DistSyncClient client, string session, CancellationToken stop) =>
        KeepAliveLoop([client], 0, session, stop);

    /// <summary>Keeps a session alive through any live node (a stopped node's client fails over to the next).</summary>
    private static Task KeepAliveLoop(DistSyncClient[] nodes, int first, string session, CancellationToken stop) => Task.Run(async () =>
    {
        var node = first % nodes.Length;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await nodes[node].KeepAliveAsync(session, stop);
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
                node = (node + 1) % nodes.Length;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await Task.Delay(500, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    });
}
