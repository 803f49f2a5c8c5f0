using System.Net;
using System.Net.Http.Json;
using System.Text;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests;

/// <summary>The /kv routes of API.md on three in-process nodes: every node serves every request.</summary>
public class KvRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_put_on_one_node_is_read_linearizably_on_every_other_and_eventually_locally()
    {
        // 1. three nodes elect a leader
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var follower = (leader + 1) % 3;

        // 2. a follower takes the write and forwards it to the leader
        var put = await cluster.Clients[follower].PutAsync("greeting", "hello");
        Assert.Equal("greeting", put.Key);
        Assert.True(put.Version > 0);

        // 3. a linearizable read on any node sees it at once, with the write's version
        foreach (var client in cluster.Clients)
        {
            var got = await client.GetAsync("greeting");
            Assert.Equal(new KvGetResponse("greeting", "hello", put.Version, put.Version), got);
        }

        // 4. a local read may lag but catches up on every node
        foreach (var client in cluster.Clients)
        {
            await Eventually.Until(() => client.GetAsync("greeting", ReadConsistency.Local), g => g?.Version == put.Version, Patience, "local read catches up");
        }
    }

    [Fact]
    public async Task Compare_and_set_writes_only_on_the_expected_version_and_delete_reports_existence()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        var a = cluster.Clients[0];
        var b = cluster.Clients[2];

        // 1. expectedVersion 0 creates once
        var created = await a.PutAsync("k", "v1", expectedVersion: 0);
        var again = await Assert.ThrowsAsync<VersionMismatchException>(() => b.PutAsync("k", "x", expectedVersion: 0));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("version-mismatch", again.Problem!.Detail);

        // 2. the current version wins once; the old one then mismatches
        var updated = await b.PutAsync("k", "v2", expectedVersion: created.Version);
        Assert.True(updated.Version > created.Version);
        await Assert.ThrowsAsync<VersionMismatchException>(() => a.PutAsync("k", "v3", expectedVersion: created.Version));
        Assert.Equal("v2", (await a.GetAsync("k"))!.Value);

        // 3. delete says whether the key existed; the key is then 404
        Assert.True(await a.DeleteAsync("k"));
        Assert.False(await b.DeleteAsync("k"));
        Assert.Null(await b.GetAsync("k"));
        Assert.Null(await b.GetAsync("k", ReadConsistency.Local));
    }

    [Fact]
    public async Task Keys_may_contain_slashes_and_unicode()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        var client = cluster.Clients[0];

        await client.PutAsync("config/app one/ä", "x");

        Assert.Equal("x", (await client.GetAsync("config/app one/ä"))!.Value);
        Assert.Null(await client.GetAsync("config/app one"));
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_and_an_oversized_value_is_413()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };

        async Task<(HttpStatusCode, string)> Put(string key, string json)
        {
            var r = await http.PutAsync("/kv/" + key, new StringContent(json, Encoding.UTF8, "application/json"));
            var problem = await r.Content.ReadFromJsonAsync<ProblemDetails>(DistSyncJson.Options);
            return (r.StatusCode, problem!.Detail ?? "");
        }

        var (status, body) = await Put("k", """{"value": 5}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("value", body);

        (status, body) = await Put("k", """{"expectedVersion": 1}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("field 'value' is required", body);

        (status, body) = await Put("k", """{"value": "x", "expectedVersion": "one"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("expectedVersion", body);

        (status, body) = await Put("k", """{"value": "x", "expectedVersion": -2}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("expectedVersion", body);

        (status, body) = await Put("k", "{not json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("malformed JSON", body);

        (status, body) = await Put(new string('k', 2000), """{"value": "x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("field 'key'", body);

        (status, body) = await Put("k", JsonValueOfSize(300 * 1024));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("field 'value'", body);

        // Over the body limit the node answers 413 from Content-Length without reading the body. The client
        // asks "Expect: 100-continue" as HTTP intends, so it does not write 2 MiB into a closed connection.
        using (var oversized = new HttpRequestMessage(HttpMethod.Put, "/kv/k") { Content = new StringContent(JsonValueOfSize(2 * 1024 * 1024), Encoding.UTF8, "application/json") })
        {
            oversized.Headers.ExpectContinue = true;
            var r = await http.SendAsync(oversized);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        }

        var consistency = await http.GetAsync("/kv/k?consistency=eventual");
        Assert.Equal(HttpStatusCode.BadRequest, consistency.StatusCode);
        Assert.Contains("'consistency'", (await consistency.Content.ReadFromJsonAsync<ProblemDetails>(DistSyncJson.Options))!.Detail);

        var session = new HttpRequestMessage(HttpMethod.Delete, "/kv/k");
        session.Headers.Add("X-Client-Id", "7");
        var noSeq = await http.SendAsync(session);
        Assert.Equal(HttpStatusCode.BadRequest, noSeq.StatusCode);
        Assert.Contains("X-Client-Seq", await noSeq.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_retried_write_with_the_same_client_session_is_applied_once()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };

        async Task<KvPutResponse> PutWithSession(string value, ulong seq)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/kv/once") { Content = JsonContent.Create(new { value }) };
            request.Headers.Add("X-Client-Id", "99");
            request.Headers.Add("X-Client-Seq", seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<KvPutResponse>(DistSyncJson.Options))!;
        }

        var first = await PutWithSession("a", 1);
        await cluster.Clients[0].PutAsync("once", "someone else");
        var retry = await PutWithSession("a", 1);

        Assert.Equal(first.Version, retry.Version);
        Assert.Equal("someone else", (await cluster.Clients[0].GetAsync("once"))!.Value);
    }

    [Fact]
    public async Task Without_a_quorum_a_write_and_a_linearizable_read_are_503_within_the_deadline_and_succeed_after_heal()
    {
        // 1. three nodes with a 2 s request deadline; a first write commits
        await using var cluster = await InProcessCluster.StartAsync(3, requestTimeout: TimeSpan.FromSeconds(2));
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var client = cluster.Clients[leader];
        await client.PutAsync("k", "before");

        // 2. cut both followers off: the leader is alone in a minority
        for (var i = 0; i < 3; i++)
        {
            if (i != leader) await cluster.Faults.IsolateAsync(cluster.Nodes[i]);
        }

        // 3. a write through the old leader gets 503 (safe to retry), so does a linearizable read
        var write = await Assert.ThrowsAsync<DistSyncApiException>(() => client.PutAsync("k", "during"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Contains("safe to retry", write.Problem!.Detail);
        var read = await Assert.ThrowsAsync<DistSyncApiException>(() => client.GetAsync("k"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);

        // 4. a local read still answers from the replica
        Assert.NotNull(await client.GetAsync("k", ReadConsistency.Local));

        // 5. heal: writes commit again (retried until a leader is back)
        await cluster.Faults.HealAllAsync();
        var after = await Eventually.Until(() => client.PutAsync("k", "after"), r => r.Version > 0, Patience, "a write after heal");
        Assert.Equal("after", (await cluster.Clients[(leader + 1) % 3].GetAsync("k"))!.Value);
        Assert.True(after.Version > 0);
    }

    private static string JsonValueOfSize(int bytes) => "{\"value\": \"" + new string('x', bytes) + "\"}";
}
