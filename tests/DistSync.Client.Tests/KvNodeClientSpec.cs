using DistSync.Cli.Tests;
using DistSync.Client.Contracts;
using DistSync.Node.Tests;

namespace DistSync.Client.Tests;

/// <summary>The KV range, transaction, ephemeral-key and watch calls against a real in-process node (docs/KV.md).</summary>
public class KvNodeClientSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Range_pages_counts_lists_all_and_deletes_a_prefix_leaving_other_keys()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        for (var i = 5; i >= 1; i--) await client.PutAsync($"a/{i}", $"v{i}");
        var other = await client.PutAsync("b/1", "keep");

        // 1. a page of two in ordinal order, with more to come and a revision at least the last write
        var page = await client.RangeAsync("a/", limit: 2);
        Assert.Equal(["a/1", "a/2"], page.Kvs.Select(k => k.Key));
        Assert.True(page.More);
        Assert.True(page.Revision >= other.Version);
        Assert.Equal(["a/3", "a/4"], (await client.RangeAsync("a/", after: "a/2", limit: 2)).Kvs.Select(k => k.Key));

        // 2. every key by paging, a from-to range, and counts
        var all = new List<KvGetResponse>();
        await foreach (var kv in client.ListAllAsync("a/", pageSize: 2)) all.Add(kv);
        Assert.Equal(["a/1 v1", "a/2 v2", "a/3 v3", "a/4 v4", "a/5 v5"], all.Select(k => $"{k.Key} {k.Value}"));
        Assert.All(all, k => Assert.Equal(k.Version, k.CreateVersion));
        Assert.Equal(["a/2", "a/3"], (await client.RangeAsync(KvRange.Between("a/2", "a/4"))).Kvs.Select(k => k.Key));
        Assert.Equal(5, await client.CountAsync("a/"));
        Assert.Equal(6, await client.CountAsync(KvRange.All));

        // 3. deleting the prefix takes its five keys in one entry and leaves b/1
        var deleted = await client.DeleteRangeAsync("a/");
        Assert.Equal(5, deleted.Deleted);
        Assert.True(deleted.Version > other.Version);
        Assert.Equal(0, await client.CountAsync("a/"));
        Assert.Equal("keep", (await client.GetAsync("b/1"))!.Value);
    }

    [Fact]
    public async Task A_create_if_absent_txn_succeeds_once_and_its_repeat_runs_the_failure_branch()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));

        var first = await client.Txn().If(KvTxn.Absent("lock")).Then(KvTxn.Put("lock", "me"), KvTxn.Get("lock")).Else(KvTxn.Get("lock")).CommitAsync();
        Assert.True(first.Succeeded);
        Assert.Equal(first.Version, first.Results[0].Version);
        Assert.Equal(("me", first.Version), (first.Results[1].Value, first.Results[1].CreateVersion!.Value)); // the get saw the put before it

        var again = await client.Txn().If(KvTxn.Absent("lock")).Then(KvTxn.Put("lock", "you")).Else(KvTxn.Get("lock")).CommitAsync();
        Assert.False(again.Succeeded);
        var got = Assert.Single(again.Results);
        Assert.Equal(("get", true, "me", first.Version), (got.Op, got.Found, got.Value, got.CreateVersion));
        Assert.Equal("me", (await client.GetAsync("lock"))!.Value);
    }

    [Fact]
    public async Task An_ephemeral_key_is_deleted_with_its_session_and_a_watch_sees_the_put_and_the_delete()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        using var patience = new CancellationTokenSource(Patience);
        var session = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));

        // 1. a watch of the prefix, registered before the writes
        var watch = client.WatchAsync("eph/", prevValue: true);
        var seen = new List<KvWatchEvent>();
        var reading = Task.Run(async () =>
        {
            await foreach (var change in watch.WithCancellation(patience.Token))
            {
                seen.Add(change);
                if (seen.Count == 3) return;
            }
        });
        await watch.Started.WaitAsync(patience.Token);

        // 2. an ephemeral put, a plain put, then the session ends
        var put = await client.PutAsync("eph/x", "1", sessionId: session.SessionId);
        Assert.Equal(session.SessionId, (await client.GetAsync("eph/x"))!.SessionId);
        var plain = await client.PutAsync("eph/y", "2");
        Assert.True(await client.DeleteSessionAsync(session.SessionId));
        await reading.WaitAsync(patience.Token);

        // 3. the ephemeral key is gone, the plain one stays; the watch saw both puts and the delete, with the previous value
        Assert.Null(await client.GetAsync("eph/x"));
        Assert.NotNull(await client.GetAsync("eph/y"));
        Assert.Equal([("put", "eph/x", put.Version), ("put", "eph/y", plain.Version)], seen.Take(2).Select(e => (e.Type, e.Key, e.Version)));
        Assert.Equal(session.SessionId, seen[0].SessionId);
        Assert.Equal(("delete", "eph/x", "1", put.Version), (seen[2].Type, seen[2].Key, seen[2].PrevValue, seen[2].PrevVersion!.Value));
        Assert.True(seen[2].Version > plain.Version);

        // 4. a put naming the ended session is refused
        await Assert.ThrowsAsync<SessionNotFoundException>(() => client.PutAsync("eph/z", "3", sessionId: session.SessionId));
    }

    [Fact]
    public async Task A_watch_from_a_past_version_replays_the_retained_changes_in_order_and_then_live_ones()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        using var patience = new CancellationTokenSource(Patience);
        var v1 = await client.PutAsync("r/k", "1");
        await client.PutAsync("r/k", "2");
        await client.DeleteAsync("r/k");

        var watch = client.WatchAsync(KvRange.Key("r/k"), fromVersion: v1.Version);
        var seen = new List<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var change in watch.WithCancellation(patience.Token))
            {
                seen.Add($"{change.Type} {change.Value}");
                if (seen.Count == 4) return;
            }
        });
        await watch.Started.WaitAsync(patience.Token);
        await client.PutAsync("r/other", "not watched");
        await client.PutAsync("r/k", "3");
        await reading.WaitAsync(patience.Token);

        Assert.Equal(["put 1", "put 2", "delete ", "put 3"], seen);
        Assert.Equal(v1.Version, (await watch.Started).FromVersion);
    }
}
