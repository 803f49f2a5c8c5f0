using System.Net;
using System.Net.Http.Json;
using System.Text;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests;

/// <summary>
/// Error bodies speak JSON, not .NET: a value of the wrong type names the field and the JSON type it must be, and a
/// compare-and-set refused with 409 says the key's current version.
/// </summary>
public class ProblemBodyRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("PUT", "kv/k", """{"value": "x", "expectedVersion": "one"}""", "field 'expectedVersion' must be an integer")]
    [InlineData("PUT", "kv/k", """{"value": 5}""", "field 'value' must be a string")]
    [InlineData("PUT", "kv/k", """[1, 2]""", "the body must be a JSON object")]
    [InlineData("POST", "session", """{"ttlMs": true}""", "field 'ttlMs' must be an integer")]
    [InlineData("POST", "queue/ack", """{"queue": "q", "receipts": [1]}""", "field 'receipts[0]' must be a string")]
    [InlineData("POST", "queue/produce", """{"queue": "q", "payload": "x", "fence": {"resource": "r", "fencingToken": "z"}}""", "field 'fence.fencingToken' must be an integer")]
    [InlineData("PUT", "kv/k", "{not json", "malformed JSON")]
    public async Task A_body_of_the_wrong_shape_is_a_400_naming_the_field_and_its_json_type_without_dotnet_type_names(
        string method, string path, string json, string expected)
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        });
        var body = await response.Content.ReadAsStringAsync();
        var detail = System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(body, DistSyncJson.Options)!.Detail ?? "";

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(detail.Contains(expected, StringComparison.Ordinal), detail);
        Assert.DoesNotContain("System.", body);
        Assert.DoesNotContain("DistSync.", body);
    }

    [Fact]
    public async Task A_refused_compare_and_set_says_the_keys_current_version_and_0_for_a_missing_key()
    {
        // 1. one node; a key written once
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        var written = await cluster.Clients[0].PutAsync("k", "v1");

        // 2. a CAS with a wrong expected version is a 409 carrying the version it met
        var stale = await http.PutAsJsonAsync("kv/k", new KvPutRequest("v2", written.Version + 7), DistSyncJson.Options);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await stale.Content.ReadFromJsonAsync<ProblemDetails>(DistSyncJson.Options);
        Assert.Equal("version-mismatch", problem!.Detail);
        Assert.Equal(written.Version, problem.CurrentVersion);

        // 3. a CAS on a key that does not exist says 0
        var absent = await http.PutAsJsonAsync("kv/nothing-here", new KvPutRequest("v", 3), DistSyncJson.Options);
        Assert.Equal(HttpStatusCode.Conflict, absent.StatusCode);
        Assert.Equal(0, (await absent.Content.ReadFromJsonAsync<ProblemDetails>(DistSyncJson.Options))!.CurrentVersion);
    }
}
