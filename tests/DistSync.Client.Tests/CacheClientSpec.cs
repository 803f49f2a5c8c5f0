using System.Net;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

public class CacheClientSpec
{
    private static DistSyncClient ClientWith(StubHandler handler) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/") }, ownsHttp: true);

    private static string Problem(int status, string title, string detail, string type = "about:blank") =>
        $$"""{"type":"{{type}}","title":"{{title}}","status":{{status}},"detail":"{{detail}}"}""";

    private static JsonElement SentBody(StubHandler handler) => JsonDocument.Parse(handler.LastBody!).RootElement;

    [Fact]
    public async Task Read_gets_the_escaped_key_and_reads_value_state_and_hit()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"key":"user/42 x","value":"Ada","state":"S","hit":true}""");
        using var client = ClientWith(handler);

        var read = await client.CacheReadAsync("user/42 x");

        Assert.Equal(new CacheReadResponse("user/42 x", "Ada", "S", true), read);
        Assert.Equal(HttpMethod.Get, handler.LastRequest!.Method);
        Assert.Equal("/cache/read/user/42%20x", handler.LastRequest.RequestUri!.AbsolutePath);
        Assert.Null(handler.LastBody);
    }

    [Fact]
    public async Task A_read_of_a_key_nobody_holds_is_null()
    {
        var handler = new StubHandler(HttpStatusCode.NotFound, Problem(404, "not found", "no key 'k'"), "application/problem+json");
        using var client = ClientWith(handler);

        Assert.Null(await client.CacheReadAsync("k"));
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task A_404_without_the_nodes_problem_body_is_a_node_without_the_cache_routes()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.NotFound, "", "text/plain"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.CacheReadAsync("k"));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Contains("does not serve", e.Message, StringComparison.Ordinal);
        Assert.Contains("/cache/read/k", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_posts_key_value_and_fence_in_camel_case_and_reads_the_state()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"key":"k","state":"M"}""");
        using var client = ClientWith(handler);

        var written = await client.CacheWriteAsync("k", "v1", new FenceToken("writer", 42));

        Assert.Equal(new CacheWriteResponse("k", "M"), written);
        Assert.Equal(HttpMethod.Post, handler.LastRequest!.Method);
        Assert.Equal("/cache/write", handler.LastRequest.RequestUri!.AbsolutePath);
        var sent = SentBody(handler);
        Assert.Equal("k", sent.GetProperty("key").GetString());
        Assert.Equal("v1", sent.GetProperty("value").GetString());
        Assert.Equal("writer", sent.GetProperty("fence").GetProperty("resource").GetString());
        Assert.Equal(42, sent.GetProperty("fence").GetProperty("fencingToken").GetInt64());
    }

    [Fact]
    public async Task A_write_without_a_fence_sends_none_and_an_empty_value_is_a_value()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"key":"k","state":"M"}""");
        using var client = ClientWith(handler);

        await client.CacheWriteAsync("k", "");

        var sent = SentBody(handler);
        Assert.Equal("", sent.GetProperty("value").GetString());
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("fence").ValueKind);
    }

    [Theory]
    [InlineData("about:blank", "stale-fence")]
    [InlineData("stale-fence", "fencing token 7 of 'writer' is older than its latest grant")]
    [InlineData("https://distsync.dev/problems/stale-fence", "")]
    public async Task A_409_stale_fence_is_a_stale_fence_exception_naming_key_and_token(string type, string detail)
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.Conflict, Problem(409, "conflict", detail, type), "application/problem+json"));

        var e = await Assert.ThrowsAsync<StaleFenceException>(() => client.CacheWriteAsync("k", "v", new FenceToken("writer", 7)));

        Assert.Equal("k", e.Target);
        Assert.Equal("writer", e.Resource);
        Assert.Equal(7, e.FencingToken);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.IsAssignableFrom<DistSyncApiException>(e);
        Assert.Contains("stale-fence", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_409_or_one_to_an_unfenced_write_is_not_taken_for_a_stale_fence()
    {
        using var other = ClientWith(new StubHandler(HttpStatusCode.Conflict, Problem(409, "conflict", "something-else"), "application/problem+json"));
        using var unfenced = ClientWith(new StubHandler(HttpStatusCode.Conflict, Problem(409, "conflict", "stale-fence"), "application/problem+json"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => other.CacheWriteAsync("k", "v", new FenceToken("writer", 7)));
        var f = await Assert.ThrowsAsync<DistSyncApiException>(() => unfenced.CacheWriteAsync("k", "v"));

        Assert.IsNotType<StaleFenceException>(e);
        Assert.Contains("something-else", e.Message, StringComparison.Ordinal);
        Assert.IsNotType<StaleFenceException>(f);
        Assert.Equal(HttpStatusCode.Conflict, f.StatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "field 'value' is required")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "the value exceeds 65536 bytes")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "the key's home did not answer within 5000 ms")]
    public async Task Other_errors_of_every_route_are_api_exceptions_carrying_status_and_detail(HttpStatusCode status, string detail)
    {
        using var client = ClientWith(new StubHandler(status, Problem((int)status, "error", detail), "application/problem+json"));

        var read = await Assert.ThrowsAsync<DistSyncApiException>(() => client.CacheReadAsync("k"));
        var write = await Assert.ThrowsAsync<DistSyncApiException>(() => client.CacheWriteAsync("k", "v"));
        var invalidate = await Assert.ThrowsAsync<DistSyncApiException>(() => client.CacheInvalidateAsync("k"));
        var stats = await Assert.ThrowsAsync<DistSyncApiException>(() => client.CacheStatsAsync());

        foreach (var e in new[] { read, write, invalidate, stats })
        {
            Assert.Equal(typeof(DistSyncApiException), e.GetType());
            Assert.Equal(status, e.StatusCode);
            Assert.Equal(detail, e.Problem!.Detail);
            Assert.Contains(detail, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Invalidate_deletes_the_escaped_key_and_reads_copies_and_deleted()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"key":"a/b?","copiesInvalidated":2,"deleted":true}""");
        using var client = ClientWith(handler);

        var invalidated = await client.CacheInvalidateAsync("a/b?");

        Assert.Equal(new CacheInvalidateResponse("a/b?", 2, true), invalidated);
        Assert.Equal(HttpMethod.Delete, handler.LastRequest!.Method);
        Assert.Equal("/cache/invalidate/a/b%3F", handler.LastRequest.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task Stats_reads_every_counter_and_the_state_counts()
    {
        const string json = """
            {"nodeId":"n2","lines":120,"capacity":10000,"bytes":12345,"maxBytes":67108864,"hits":900,"misses":100,"hitRate":0.9,
             "evictions":3,"invalidationsSent":17,"invalidationsReceived":5,"byState":{"M":4,"E":10,"S":100,"I":6},"writePolicy":"write-back"}
            """;
        var handler = new StubHandler(HttpStatusCode.OK, json);
        using var client = ClientWith(handler);

        var stats = await client.CacheStatsAsync();

        Assert.Equal(HttpMethod.Get, handler.LastRequest!.Method);
        Assert.Equal("/cache/stats", handler.LastRequest.RequestUri!.AbsolutePath);
        Assert.Equal(new CacheStatsResponse("n2", 120, 10_000, 12_345, 67_108_864, 900, 100, 0.9, 3, 17, 5, new CacheStateCounts(4, 10, 100, 6), "write-back"), stats);
    }

    [Fact]
    public void Answers_are_camel_case_on_the_wire_with_the_state_letters_upper_case_as_api_md_spells_them()
    {
        var stats = new CacheStatsResponse("n1", 1, 2, 3, 4, 5, 6, 0.5, 7, 8, 9, new CacheStateCounts(1, 0, 0, 0), "write-through");
        var json = JsonSerializer.Serialize(stats, DistSyncJson.Options);

        foreach (var field in new[] { "\"nodeId\":", "\"maxBytes\":", "\"hitRate\":", "\"invalidationsSent\":", "\"invalidationsReceived\":", "\"byState\":{\"M\":1,\"E\":0,\"S\":0,\"I\":0}", "\"writePolicy\":" })
            Assert.Contains(field, json, StringComparison.Ordinal);
        Assert.Contains("\"copiesInvalidated\":2", JsonSerializer.Serialize(new CacheInvalidateResponse("k", 2, false), DistSyncJson.Options), StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<DistSyncClient, Task>> BadArguments => new()
    {
        { "key", c => c.CacheReadAsync("") },
        { "key", c => c.CacheWriteAsync("", "v") },
        { "value", c => c.CacheWriteAsync("k", null!) },
        { "fence", c => c.CacheWriteAsync("k", "v", new FenceToken("", 3)) },
        { "fence", c => c.CacheWriteAsync("k", "v", new FenceToken("writer", 0)) },
        { "key", c => c.CacheInvalidateAsync("") },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_are_refused_before_anything_is_sent_naming_the_parameter(string parameter, Func<DistSyncClient, Task> call)
    {
        var handler = new StubHandler(HttpStatusCode.OK, "{}");
        using var client = ClientWith(handler);

        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => call(client));

        Assert.Equal(parameter, e.ParamName);
        Assert.Equal(0, handler.Requests);
    }
}
