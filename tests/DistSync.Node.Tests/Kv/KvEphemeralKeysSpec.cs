using System.Net;
using System.Net.Http.Json;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Kv;

/// <summary>Keys bound to sessions (docs/KV.md "Ephemeral keys") on three in-process nodes.</summary>
public class KvEphemeralKeysSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Deleting_the_session_deletes_its_keys_in_one_entry_and_watchers_on_another_node_see_it()
    {
        // 1. a session binds two keys; a third key is plain
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var nodes = cluster.Nodes.Select(n => n.HttpAddress).ToArray();
        var session = await cluster.Clients[0].CreateSessionAsync(TimeSpan.FromSeconds(30));
        await http.PutAsync(nodes[0], "svc/api/1", "10.0.0.1", session.SessionId);
        await http.PutAsync(nodes[1], "svc/api/2", "10.0.0.2", session.SessionId);
        await http.PutAsync(nodes[2], "svc/api/3", "10.0.0.3");
        Assert.Equal(session.SessionId, (await cluster.Clients[2].GetAsync("svc/api/1"))!.SessionId);

        // 2. a watcher on node 3 follows the prefix
        await using var watch = await KvWatchStream.OpenAsync([nodes[2]], "prefix=svc/", Patience);

        // 3. the session ends: both of its keys go, as two deletes of the same entry
        Assert.True(await cluster.Clients[1].DeleteSessionAsync(session.SessionId));
        var events = await watch.TakeAsync(2, Patience);
        Assert.Equal(new[] { "svc/api/1", "svc/api/2" }, events.Select(e => e.Event.Key));
        Assert.All(events, e => Assert.Equal("delete", e.Event.Type));
        Assert.Equal(events[0].Event.Version, events[1].Event.Version);
        Assert.Equal(new[] { $"{events[0].Event.Version}.0", $"{events[0].Event.Version}.1" }, events.Select(e => e.Id));
        Assert.Equal(new[] { "svc/api/3" }, (await http.RangeAsync(nodes[0], "prefix=svc/")).Kvs.Select(k => k.Key));
    }

    [Fact]
    public async Task An_expired_session_takes_its_keys_with_it()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var session = await cluster.Clients[0].CreateSessionAsync(TimeSpan.FromSeconds(1));
        await http.PutAsync(cluster.Nodes[0].HttpAddress, "lease/me", "x", session.SessionId);

        // no keepalive: the session expires in log time and its key goes
        await Eventually.Until(() => cluster.Clients[2].GetAsync("lease/me"), v => v is null, Patience, "the ephemeral key is deleted");
    }

    [Fact]
    public async Task A_put_to_an_unknown_session_is_a_404_and_writes_nothing()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();

        using var unknown = await http.PutAsJsonAsync(new Uri(cluster.Nodes[0].HttpAddress, "kv/k"), new KvPutRequest("v", null, "forged-session"), DistSyncJson.Options);
        using var empty = await http.PutAsJsonAsync(new Uri(cluster.Nodes[0].HttpAddress, "kv/k"), new KvPutRequest("v", null, ""), DistSyncJson.Options);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("forged-session", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Null(await cluster.Clients[0].GetAsync("k"));
    }
}
