using System.Net;
using System.Net.Http.Json;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Locks;

/// <summary>The Sessions and Locks routes of API.md on three in-process nodes: any node serves any step.</summary>
public class LockRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Acquire_status_and_release_work_through_different_nodes()
    {
        // 1. three nodes elect a leader; a session is created on node 1
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        var (n1, n2, n3) = (cluster.Clients[0], cluster.Clients[1], cluster.Clients[2]);
        var s1 = await n1.CreateSessionAsync(TimeSpan.FromSeconds(30), "spec");
        Assert.StartsWith("s-", s1.SessionId);
        Assert.Equal(30_000, s1.TtlMs);

        // 2. node 2 grants the exclusive lock; a repeat returns the same token (idempotent)
        var granted = await n2.AcquireAsync("orders/42", s1.SessionId);
        Assert.Equal(new AcquireResponse("orders/42", "exclusive", granted.FencingToken), granted);
        Assert.Equal(granted.FencingToken, (await n3.AcquireAsync("orders/42", s1.SessionId)).FencingToken);

        // 3. node 3 sees the holder linearizably, and in the list
        var status = await n3.GetLockStatusAsync("orders/42");
        Assert.Equal("exclusive", status.Mode);
        Assert.Equal(s1.SessionId, Assert.Single(status.Holders).SessionId);
        Assert.Equal(granted.FencingToken, status.Holders[0].FencingToken);
        Assert.Contains(await n1.ListLocksAsync(), l => l.Resource == "orders/42");

        // 4. another session's try-lock is refused with 409 conflict
        var s2 = await n3.CreateSessionAsync(TimeSpan.FromSeconds(30));
        var refused = await Assert.ThrowsAsync<LockNotGrantedException>(() => n1.AcquireAsync("orders/42", s2.SessionId));
        Assert.Equal("conflict", refused.Reason);

        // 5. release through node 1; a second release finds nothing held; the status is "none"
        Assert.True(await n1.ReleaseAsync("orders/42", s1.SessionId));
        Assert.False(await n2.ReleaseAsync("orders/42", s1.SessionId));
        var free = await n2.GetLockStatusAsync("orders/42");
        Assert.Equal(new LockStatusResponse("orders/42", "none", [], []), free with { Holders = [], Waiters = [] });
        Assert.Empty(free.Holders);

        // 6. the next grant's token is larger
        var next = await n2.AcquireAsync("orders/42", s2.SessionId, LockAccess.Shared);
        Assert.True(next.FencingToken > granted.FencingToken);
        Assert.Equal("shared", next.Mode);
    }

    [Fact]
    public async Task Sessions_keep_alive_and_delete_and_unknown_ones_are_404()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        var client = cluster.Clients[0];

        // 1. keepalive answers the remaining time
        var s = await client.CreateSessionAsync(TimeSpan.FromSeconds(20));
        var kept = await client.KeepAliveAsync(s.SessionId);
        Assert.Equal(s.SessionId, kept.SessionId);
        Assert.InRange(kept.ExpiresInMs, 1, 20_000);

        // 2. a held lock goes away with its deleted session
        await client.AcquireAsync("r", s.SessionId);
        Assert.True(await client.DeleteSessionAsync(s.SessionId));
        Assert.Equal("none", (await client.GetLockStatusAsync("r")).Mode);

        // 3. the deleted session is unknown everywhere
        Assert.False(await client.DeleteSessionAsync(s.SessionId));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => client.KeepAliveAsync(s.SessionId));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => client.AcquireAsync("r", s.SessionId));
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        var s = await cluster.Clients[0].CreateSessionAsync();

        async Task<string> Detail(string path, object body)
        {
            using var response = await http.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail!;
        }

        Assert.Contains("resource", await Detail("lock/acquire", new { sessionId = s.SessionId }));
        Assert.Contains("sessionId", await Detail("lock/acquire", new { resource = "r" }));
        Assert.Contains("mode", await Detail("lock/acquire", new { resource = "r", sessionId = s.SessionId, mode = "upgradable" }));
        Assert.Contains("waitMs", await Detail("lock/acquire", new { resource = "r", sessionId = s.SessionId, waitMs = -1 }));
        Assert.Contains("ttlMs", await Detail("session", new { ttlMs = 5 }));
        Assert.Contains("malformed JSON", await Detail("lock/release", new[] { 1, 2 }));
    }

    [Fact]
    public async Task A_waiter_on_one_node_is_granted_when_the_holder_on_another_releases()
    {
        // 1. the holder acquires through node 1
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        var holder = await cluster.Clients[0].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var waiter = await cluster.Clients[1].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var first = await cluster.Clients[0].AcquireAsync("job", holder.SessionId);

        // 2. the waiter asks through node 2 with a long wait; it is queued
        var waiting = cluster.Clients[1].AcquireAsync("job", waiter.SessionId, wait: TimeSpan.FromSeconds(25));
        await Eventually.Until(() => cluster.Clients[2].GetLockStatusAsync("job"), s => s.Waiters.Count == 1, Patience, "the waiter is queued");
        Assert.False(waiting.IsCompleted);

        // 3. the holder releases through node 3; the waiter's request answers with a larger token
        Assert.True(await cluster.Clients[2].ReleaseAsync("job", holder.SessionId));
        var granted = await waiting.WaitAsync(Patience);
        Assert.True(granted.FencingToken > first.FencingToken);
        Assert.Equal(waiter.SessionId, Assert.Single((await cluster.Clients[0].GetLockStatusAsync("job")).Holders).SessionId);
    }

    [Fact]
    public async Task A_wait_times_out_with_409_timeout_decided_from_log_time()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        var a = await cluster.Clients[0].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var b = await cluster.Clients[1].CreateSessionAsync(TimeSpan.FromSeconds(30));
        await cluster.Clients[0].AcquireAsync("t", a.SessionId);

        var refused = await Assert.ThrowsAsync<LockNotGrantedException>(
            () => cluster.Clients[1].AcquireAsync("t", b.SessionId, wait: TimeSpan.FromMilliseconds(700)));

        Assert.Equal("timeout", refused.Reason);
        Assert.Empty((await cluster.Clients[2].GetLockStatusAsync("t")).Waiters);
    }

    [Fact]
    public async Task A_deadlock_between_two_sessions_answers_one_of_them_409_deadlock()
    {
        // 1. session A holds x, session B holds y (through different nodes)
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        var a = await cluster.Clients[0].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var b = await cluster.Clients[1].CreateSessionAsync(TimeSpan.FromSeconds(30));
        await cluster.Clients[0].AcquireAsync("x", a.SessionId);
        await cluster.Clients[1].AcquireAsync("y", b.SessionId);

        // 2. A waits for y, then B waits for x: a cycle
        var aWaits = cluster.Clients[0].AcquireAsync("y", a.SessionId, wait: TimeSpan.FromSeconds(20));
        await Eventually.Until(() => cluster.Clients[2].GetLockStatusAsync("y"), s => s.Waiters.Count == 1, Patience, "A is queued for y");
        var bWaits = cluster.Clients[1].AcquireAsync("x", b.SessionId, wait: TimeSpan.FromSeconds(20));

        // 3. B is the youngest transaction: its wait fails with deadlock, naming y as released, and y goes to A
        var deadlock = await Assert.ThrowsAsync<LockNotGrantedException>(() => bWaits.WaitAsync(Patience));
        Assert.Equal("deadlock", deadlock.Reason);
        Assert.Equal(["y"], deadlock.Released);
        var aGranted = await aWaits.WaitAsync(Patience);
        Assert.Equal("y", aGranted.Resource);

        // 4. the deadlock is counted on the metrics page
        using var http = new HttpClient { BaseAddress = cluster.Nodes[2].HttpAddress };
        var metrics = await Eventually.Until(() => http.GetStringAsync("metrics"), m => m.Contains("dsync_locks_deadlocks", StringComparison.Ordinal), Patience, "deadlock metric");
        Assert.Contains("dsync_locks_deadlocks", metrics);
    }

    [Fact]
    public async Task A_deadlock_victim_that_was_already_waiting_answers_409_listing_the_resources_it_lost()
    {
        // 1. D holds q first (the older transaction); then C holds p and o
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var (f1, f2) = ((leader + 1) % 3, (leader + 2) % 3);
        var d = await cluster.Clients[f1].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var c = await cluster.Clients[f2].CreateSessionAsync(TimeSpan.FromSeconds(30));
        await cluster.Clients[f1].AcquireAsync("q", d.SessionId);
        await cluster.Clients[f2].AcquireAsync("p", c.SessionId);
        await cluster.Clients[f2].AcquireAsync("o", c.SessionId, LockAccess.Shared);

        // 2. C waits for q through a follower, which learns the wait's end from its own replica
        using var http = new HttpClient { BaseAddress = cluster.Nodes[f2].HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        var cWaits = http.PostAsJsonAsync("lock/acquire", new { resource = "q", sessionId = c.SessionId, mode = "exclusive", waitMs = 20_000 });
        await Eventually.Until(() => cluster.Clients[leader].GetLockStatusAsync("q"), s => s.Waiters.Count == 1, Patience, "C is queued for q");

        // 3. D asks for p: the cycle aborts C, the younger, so D is granted p at once
        Assert.Equal("p", (await cluster.Clients[f1].AcquireAsync("p", d.SessionId, wait: TimeSpan.FromSeconds(20))).Resource);

        // 4. C's request answers 409 deadlock listing both resources it lost, sorted
        using var response = await cWaits.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("deadlock", body.GetProperty("detail").GetString());
        Assert.Equal(["o", "p"], body.GetProperty("released").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty((await cluster.Clients[leader].GetLockStatusAsync("o")).Holders);
    }

    [Fact]
    public async Task Disconnecting_a_waiting_client_cancels_its_wait()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        var a = await cluster.Clients[0].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var b = await cluster.Clients[1].CreateSessionAsync(TimeSpan.FromSeconds(30));
        await cluster.Clients[0].AcquireAsync("d", a.SessionId);

        // 1. B waits through node 2 on its own connection
        using var gone = new CancellationTokenSource();
        using var own = new DistSyncClient(cluster.Nodes[1].HttpAddress.ToString(), TimeSpan.FromSeconds(60));
        var waiting = own.AcquireAsync("d", b.SessionId, wait: TimeSpan.FromSeconds(50), ct: gone.Token);
        await Eventually.Until(() => cluster.Clients[2].GetLockStatusAsync("d"), s => s.Waiters.Count == 1, Patience, "B is queued");

        // 2. the client goes away; its wait disappears from the queue long before its 50 s deadline
        gone.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await Eventually.Until(() => cluster.Clients[2].GetLockStatusAsync("d"), s => s.Waiters.Count == 0, Patience, "B's wait is cancelled");
        await Eventually.Until(() => Task.FromResult(cluster.Nodes[1].LockWaiters.Count), c => c == 0, Patience, "node 2 forgot the wait");

        // 3. A's release then leaves the lock free
        Assert.True(await cluster.Clients[0].ReleaseAsync("d", a.SessionId));
        Assert.Equal("none", (await cluster.Clients[2].GetLockStatusAsync("d")).Mode);
    }

    [Fact]
    public async Task Deleting_a_session_fails_its_waits_and_hands_its_locks_on()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        var a = await cluster.Clients[0].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var b = await cluster.Clients[1].CreateSessionAsync(TimeSpan.FromSeconds(30));
        var c = await cluster.Clients[2].CreateSessionAsync(TimeSpan.FromSeconds(30));
        await cluster.Clients[0].AcquireAsync("p", a.SessionId);
        await cluster.Clients[1].AcquireAsync("q", b.SessionId);

        // 1. B waits for p (held by A); C waits for q (held by B)
        var bWaits = cluster.Clients[1].AcquireAsync("p", b.SessionId, wait: TimeSpan.FromSeconds(20));
        var cWaits = cluster.Clients[2].AcquireAsync("q", c.SessionId, wait: TimeSpan.FromSeconds(20));
        await Eventually.Until(() => cluster.Clients[0].ListLocksAsync(), l => l.Sum(s => s.Waiters.Count) == 2, Patience, "both queued");

        // 2. deleting B fails B's wait with 404 and grants q to C in the same entry
        Assert.True(await cluster.Clients[0].DeleteSessionAsync(b.SessionId));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => bWaits.WaitAsync(Patience));
        Assert.Equal("q", (await cWaits.WaitAsync(Patience)).Resource);
    }
}
