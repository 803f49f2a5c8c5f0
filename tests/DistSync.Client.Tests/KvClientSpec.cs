using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

public class KvClientSpec
{
    private static DistSyncClient ClientWith(StubHandler handler) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/") }, ownsHttp: true);

    [Fact]
    public async Task Put_sends_value_and_expected_version_and_reads_the_version()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"key":"a/b","version":17}""");
        using var client = ClientWith(handler);

        var put = await client.PutAsync("a/b", "v", expectedVersion: 3);

        Assert.Equal(HttpMethod.Put, handler.LastRequest!.Method);
        Assert.Equal("/kv/a/b", handler.LastRequest.RequestUri!.AbsolutePath);
        Assert.Equal(new KvPutResponse("a/b", 17), put);
    }

    [Fact]
    public async Task A_409_version_mismatch_is_a_typed_exception_that_is_still_an_api_exception()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.Conflict,
            """{"type":"about:blank","title":"conflict","status":409,"detail":"version-mismatch"}""", "application/problem+json"));

        var e = await Assert.ThrowsAsync<VersionMismatchException>(() => client.PutAsync("k", "v", expectedVersion: 4));

        Assert.Equal("k", e.Key);
        Assert.Equal(4, e.ExpectedVersion);
        Assert.IsAssignableFrom<DistSyncApiException>(e);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
    }

    [Fact]
    public async Task A_409_version_mismatch_carries_the_keys_current_version()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.Conflict,
            """{"type":"about:blank","title":"conflict","status":409,"detail":"version-mismatch","currentVersion":9}""", "application/problem+json"));

        var e = await Assert.ThrowsAsync<VersionMismatchException>(() => client.PutAsync("k", "v", expectedVersion: 4));

        Assert.Equal(9, e.CurrentVersion);
        Assert.Contains("current version 9", e.Message);
    }

    [Fact]
    public async Task A_503_on_put_is_an_api_exception_with_the_status()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.ServiceUnavailable,
            """{"type":"about:blank","title":"unavailable","status":503,"detail":"no quorum within 5000 ms; safe to retry"}""", "application/problem+json"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.PutAsync("k", "v"));

        Assert.IsNotType<VersionMismatchException>(e);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null_and_local_consistency_is_a_query_parameter()
    {
        var handler = new StubHandler(HttpStatusCode.NotFound,
            """{"type":"about:blank","title":"not found","status":404,"detail":"no key 'k'"}""", "application/problem+json");
        using var client = ClientWith(handler);

        Assert.Null(await client.GetAsync("k", ReadConsistency.Local));
        Assert.Equal("?consistency=local", handler.LastRequest!.RequestUri!.Query);
    }

    [Fact]
    public async Task A_404_without_the_api_problem_body_is_not_taken_for_a_missing_key()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.NotFound, "", "text/plain"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.GetAsync("k"));

        Assert.Contains("does not serve", e.Message);
    }

    [Theory]
    [InlineData("plain", "kv/plain")]
    [InlineData("a/b c", "kv/a/b%20c")]
    [InlineData("ä?#", "kv/%C3%A4%3F%23")]
    public void Keys_are_escaped_per_segment(string key, string path) => Assert.Equal(path, DistSyncClient.KvPath(key));

    [Fact]
    public async Task Raft_status_reads_followers()
    {
        const string json = """
            {"nodeId":"n1","leaderHttp":"127.0.0.1:8080","groups":[{"groupId":0,"role":"leader","term":2,"leader":"n1",
             "commitIndex":9,"lastApplied":9,"lastIndex":9,"members":[{"nodeId":"n1","address":"a","kind":"voter"}],
             "followers":[{"nodeId":"n2","matchIndex":8,"nextIndex":9,"state":"replicate","recentlyActive":true}]}]}
            """;
        using var client = ClientWith(new StubHandler(HttpStatusCode.OK, json));

        var status = await client.GetRaftStatusAsync();

        Assert.Equal(8, Assert.Single(status.Groups[0].Followers).MatchIndex);
    }
}
