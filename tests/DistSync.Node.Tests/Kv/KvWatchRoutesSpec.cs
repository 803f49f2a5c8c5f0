using System.Net;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Kv;

/// <summary><c>GET /kv/watch</c> of docs/KV.md on in-process nodes: order, filters, resume, compaction, leader changes.</summary>
public class KvWatchRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_watch_on_a_follower_streams_every_change_of_its_prefix_in_commit_order()
    {
        // 1. three nodes; a watch on a follower of the prefix cfg/, with previous values
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var follower = (leader + 1) % 3;
        await using var watch = await KvWatchStream.OpenAsync([cluster.Nodes[follower].HttpAddress], "prefix=cfg/&prevValue=true", Patience);
        var created = await watch.Created;
        Assert.Equal(created.Revision + 1, created.FromVersion);

        // 2. writes through every node, some outside the prefix
        var versions = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            var client = cluster.Clients[i % 3];
            versions.Add((await client.PutAsync($"cfg/{i % 4}", "v" + i)).Version);
            await client.PutAsync($"other/{i}", "x");
        }
        Assert.True(await cluster.Clients[2].DeleteAsync("cfg/0"));

        // 3. the watcher gets exactly those 31 changes, in version order, with previous values on overwrites
        var events = await watch.TakeAsync(31, Patience);
        Assert.Equal(versions, events.Take(30).Select(e => e.Event.Version));
        Assert.All(events, e => Assert.StartsWith("cfg/", e.Event.Key));
        Assert.Null(events[0].Event.PrevValue);
        Assert.Equal(("v4", "v0"), (events[4].Event.Value, events[4].Event.PrevValue));
        Assert.Equal(("delete", "cfg/0", (string?)null, "v28"), (events[30].Event.Type, events[30].Event.Key, events[30].Event.Value, events[30].Event.PrevValue));
        Assert.Empty(watch.Drain());
    }

    [Fact]
    public async Task From_a_version_the_watch_replays_history_and_last_event_id_resumes_inside_an_entry()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var nodes = cluster.Nodes.Select(n => n.HttpAddress).ToArray();
        var first = await cluster.Clients[0].PutAsync("job/a", "1");
        var txn = await http.TxnAsync(nodes[1], new KvTxnRequest(null, [new KvTxnOp("put", "job/b", "2"), new KvTxnOp("put", "job/c", "3"), new KvTxnOp("put", "job/d", "4")]));

        // 1. fromVersion replays every retained change from it, then stays live
        await using (var replay = await KvWatchStream.OpenAsync([nodes[2]], $"prefix=job/&fromVersion={first.Version}", Patience))
        {
            var events = await replay.TakeAsync(4, Patience);
            Assert.Equal(new[] { $"{first.Version}.0", $"{txn.Version}.0", $"{txn.Version}.1", $"{txn.Version}.2" }, events.Select(e => e.Id));
        }

        // 2. Last-Event-ID in the middle of the txn's entry resumes at its next change, on any node
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(nodes[0], "kv/watch?prefix=job/"));
        request.Headers.Add("Last-Event-ID", $"{txn.Version}.0");
        using var response = await new HttpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var ids = new List<string>();
        using var cts = new CancellationTokenSource(Patience);
        while (ids.Count < 2 && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal)) ids.Add(line[4..]);
        }
        Assert.Equal(new[] { $"{txn.Version}.1", $"{txn.Version}.2" }, ids);
    }

    [Fact]
    public async Task A_watch_from_a_compacted_version_is_a_410_with_the_oldest_version_still_available()
    {
        await using var cluster = await InProcessCluster.StartAsync(1, extra: "kv.watch-history = 5");
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var versions = new List<long>();
        for (var i = 0; i < 20; i++) versions.Add((await cluster.Clients[0].PutAsync("h/" + i, "v")).Version);

        using var gone = await http.GetAsync(new Uri(cluster.Nodes[0].HttpAddress, $"kv/watch?prefix=h/&fromVersion={versions[0]}"), HttpCompletionOption.ResponseHeadersRead);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(await gone.Content.ReadAsStringAsync(), DistSyncJson.Options)!;

        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal(versions[15], problem.OldestVersion);
        // the oldest version named is indeed watchable
        await using var ok = await KvWatchStream.OpenAsync([cluster.Nodes[0].HttpAddress], $"prefix=h/&fromVersion={problem.OldestVersion}", Patience);
        Assert.Equal(5, (await ok.TakeAsync(5, Patience)).Count);
    }

    [Fact]
    public async Task A_watch_keeps_every_change_in_order_across_leader_changes()
    {
        // 1. a watch on node 1 of everything under w/
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        await using var watch = await KvWatchStream.OpenAsync([cluster.Nodes[0].HttpAddress], "prefix=w/", Patience);

        // 2. writes go on while leadership moves to each node in turn
        var versions = new List<long>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 10; i++)
                versions.Add((await PutWithRetryAsync(cluster.Clients[(i + round) % 3], $"w/{round}/{i}", "v")).Version);
            var target = cluster.Nodes[(round + 1) % 3].Settings.NodeId;
            await cluster.Clients[round % 3].TransferLeaderAsync(target);
            await Eventually.Until(() => Task.FromResult(cluster.Nodes[0].Meta.Status.Leader), l => l == target, Patience, $"leader {target}");
        }
        for (var i = 0; i < 5; i++) versions.Add((await PutWithRetryAsync(cluster.Clients[i % 3], $"w/end/{i}", "v")).Version);

        // 3. the one stream saw each write exactly once, in commit order
        var events = await watch.TakeAsync(versions.Count, Patience);
        Assert.Equal(versions, events.Select(e => e.Event.Version));
        Assert.Equal(0, watch.Reconnects);
    }

    [Fact]
    public async Task A_watcher_whose_buffer_overflows_catches_up_from_the_history_without_a_gap()
    {
        // a one-change buffer: a txn of 50 puts overflows it within one entry
        await using var cluster = await InProcessCluster.StartAsync(1, extra: "kv.watch-buffer = 1");
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var node = cluster.Nodes[0].HttpAddress;
        await using var watch = await KvWatchStream.OpenAsync([node], "prefix=burst/", Patience);

        var ids = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            var txn = await http.TxnAsync(node, new KvTxnRequest(null, Enumerable.Range(0, 50).Select(i => new KvTxnOp("put", $"burst/{i:D2}", "r" + round)).ToList()));
            ids.AddRange(Enumerable.Range(0, 50).Select(i => $"{txn.Version}.{i}"));
        }

        var events = await watch.TakeAsync(200, Patience);
        Assert.Equal(ids, events.Select(e => e.Id));
        Assert.Empty(watch.Drain());
    }

    [Fact]
    public async Task A_single_key_watch_ignores_keys_that_only_share_its_prefix()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        await using var watch = await KvWatchStream.OpenAsync([cluster.Nodes[0].HttpAddress], "key=leader", Patience);

        await cluster.Clients[0].PutAsync("leaderboard", "x");
        await cluster.Clients[0].PutAsync("leader/1", "x");
        var put = await cluster.Clients[0].PutAsync("leader", "me");

        var events = await watch.TakeAsync(1, Patience);
        Assert.Equal(("leader", put.Version), (events[0].Event.Key, events[0].Event.Version));
    }

    [Fact]
    public async Task Watch_metrics_count_watchers_deliveries_keys_and_bytes()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        await using var watch = await KvWatchStream.OpenAsync([cluster.Nodes[0].HttpAddress], "prefix=m/", Patience);
        await cluster.Clients[0].PutAsync("m/1", "abc");
        await watch.TakeAsync(1, Patience);

        var text = await http.GetStringAsync(new Uri(cluster.Nodes[0].HttpAddress, "metrics"));

        Assert.Contains("dsync_kv_watchers 1", text);
        Assert.Contains("dsync_kv_keys 1", text);
        Assert.Contains("dsync_kv_bytes 6", text);
        Assert.Matches(@"dsync_kv_watch_events_delivered_total [1-9]", text);
        Assert.Contains("dsync_kv_watch_lag_seconds_count", text);
    }

    [Fact]
    public async Task A_watch_on_a_follower_that_installs_a_snapshot_still_sees_every_change_once_in_order()
    {
        // 1. snapshots every 40 entries; a watch on node 3, which is then cut off
        await using var cluster = await InProcessCluster.StartAsync(3, extra: "raft.snapshot-every-entries = 40");
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var victim = leader == 2 ? 1 : 2;
        var writers = Enumerable.Range(0, 3).Where(i => i != victim).ToArray();
        await using var watch = await KvWatchStream.OpenAsync([cluster.Nodes[victim].HttpAddress], "prefix=snap/", Patience);
        await cluster.Faults.IsolateAsync(cluster.Nodes[victim]);
        var behind = cluster.Nodes[victim].Meta.Status.LastApplied;

        // 2. 150 writes while it is away: the others snapshot and compact their logs past what it has
        var versions = new List<long>();
        for (var i = 0; i < 150; i++) versions.Add((await PutWithRetryAsync(cluster.Clients[writers[i % 2]], $"snap/{i:D3}", "v")).Version);
        await Eventually.Until(() => Task.FromResult(cluster.Nodes[writers[0]].Meta.Status.SnapshotIndex), s => s > behind + 40, Patience, "a snapshot past the victim");

        // 3. healed, it catches up (by snapshot); its watch delivers the 150 changes in order, none twice
        await cluster.Faults.HealAllAsync();
        var events = await watch.TakeAsync(150, TimeSpan.FromSeconds(60));
        Assert.Equal(versions, events.Select(e => e.Event.Version));
        Assert.True(cluster.Nodes[victim].Meta.Status.SnapshotIndex > behind, "the victim installed a snapshot");
        Assert.Empty(watch.Drain());
    }

    [Fact]
    public async Task A_watch_on_a_node_cut_off_from_the_leader_ends_and_resumes_on_another_node_without_a_gap()
    {
        // 1. short keep-alives; a watch that prefers a follower, with a second node to fall back on
        await using var cluster = await InProcessCluster.StartAsync(3, extra: "kv.watch-keep-alive = 500ms");
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var victim = (leader + 1) % 3;
        var other = (leader + 2) % 3;
        await using var watch = await KvWatchStream.OpenAsync([cluster.Nodes[victim].HttpAddress, cluster.Nodes[other].HttpAddress], "prefix=cut/", Patience);
        var before = (await cluster.Clients[leader].PutAsync("cut/0", "v")).Version;
        Assert.Equal(before, (await watch.TakeAsync(1, Patience))[0].Event.Version);

        // 2. the victim is cut off; writes go on through the majority
        await cluster.Faults.IsolateAsync(cluster.Nodes[victim]);
        var versions = new List<long>();
        for (var i = 1; i <= 10; i++) versions.Add((await PutWithRetryAsync(cluster.Clients[other], $"cut/{i}", "v")).Version);

        // 3. the victim's stream ends with no-leader; the watch resumes on the other node and misses nothing
        var events = await watch.TakeAsync(10, TimeSpan.FromSeconds(60));
        Assert.Equal(versions, events.Select(e => e.Event.Version));
        Assert.Contains(watch.Errors, e => e.Contains("no-leader"));
        Assert.True(watch.Reconnects >= 1);
        await cluster.Faults.HealAllAsync();
    }

    private static async Task<KvPutResponse> PutWithRetryAsync(DistSyncClient client, string key, string value)
    {
        // a leadership hand-over can refuse a write for a moment (503): the spec is about the watch, not the write
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await client.PutAsync(key, value, expectedVersion: 0);
            }
            catch (DistSyncApiException e) when (e.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 50)
            {
                await Task.Delay(200);
            }
            catch (VersionMismatchException) when (attempt > 0)
            {
                // the first try committed after all; read its version
                return new KvPutResponse(key, (await client.GetAsync(key))!.Version);
            }
        }
    }
}
