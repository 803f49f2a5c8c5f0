using System.Net;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

/// <summary>The range, count, list, range-delete and transaction calls of docs/KV.md against a stub node: what they send, what they read.</summary>
public class KvRangeTxnClientSpec
{
    private static DistSyncClient ClientWith(HttpMessageHandler handler) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/") }, ownsHttp: true);

    private const string TwoKeys = """
        {"kvs":[{"key":"app/a","value":"1","version":5,"createVersion":3,"sessionId":null},
                {"key":"app/b","value":"2","version":7,"createVersion":7,"sessionId":"s-1"}],"more":true,"revision":9,"count":null}
        """;

    [Fact]
    public async Task Range_by_prefix_sends_prefix_after_limit_and_local_and_reads_the_keys_revision_and_more()
    {
        var handler = new StubHandler(HttpStatusCode.OK, TwoKeys);
        using var client = ClientWith(handler);

        var page = await client.RangeAsync("app/", after: "app/0", limit: 2, ReadConsistency.Local);

        Assert.Equal("/kv?prefix=app%2F&after=app%2F0&limit=2&consistency=local", handler.LastRequest!.RequestUri!.PathAndQuery);
        Assert.Equal([new KvGetResponse("app/a", "1", 5, 3), new KvGetResponse("app/b", "2", 7, 7, "s-1")], page.Kvs);
        Assert.True(page.More);
        Assert.Equal(9, page.Revision);
        Assert.Null(page.Count);
    }

    [Theory]
    [InlineData("a", "c", "/kv?from=a&to=c")]
    [InlineData(null, "c", "/kv?to=c")]
    [InlineData("a", null, "/kv?from=a")]
    public async Task A_from_to_range_sends_only_the_ends_it_has(string? from, string? to, string pathAndQuery)
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"kvs":[],"more":false,"revision":1}""");
        using var client = ClientWith(handler);

        await client.RangeAsync(KvRange.Between(from, to));

        Assert.Equal(pathAndQuery, handler.LastRequest!.RequestUri!.PathAndQuery);
    }

    [Fact]
    public async Task A_one_key_range_is_the_key_up_to_the_key_and_a_space_as_no_key_holds_a_control_character()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"kvs":[],"more":false,"revision":1}""");
        using var client = ClientWith(handler);

        await client.RangeAsync(KvRange.Key("a/b"));

        Assert.Equal("/kv?from=a%2Fb&to=a%2Fb%20", handler.LastRequest!.RequestUri!.PathAndQuery);
    }

    [Fact]
    public async Task Count_asks_for_the_count_only_and_returns_it()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"kvs":[],"more":false,"revision":12,"count":42}""");
        using var client = ClientWith(handler);

        Assert.Equal(42, await client.CountAsync("jobs/"));
        Assert.Equal("?prefix=jobs%2F&count=true", handler.LastRequest!.RequestUri!.Query);
    }

    [Fact]
    public async Task List_all_pages_after_the_last_key_until_no_more_remain()
    {
        var handler = new RouteHandler(seen => RouteHandler.Json(seen.Query.Contains("after=k2", StringComparison.Ordinal)
            ? """{"kvs":[{"key":"k3","value":"c","version":3,"createVersion":3}],"more":false,"revision":9}"""
            : """{"kvs":[{"key":"k1","value":"a","version":1,"createVersion":1},{"key":"k2","value":"b","version":2,"createVersion":2}],"more":true,"revision":9}"""));
        using var client = ClientWith(handler);

        var keys = new List<string>();
        await foreach (var kv in client.ListAllAsync("k", pageSize: 2)) keys.Add(kv.Key);

        Assert.Equal(["k1", "k2", "k3"], keys);
        Assert.Equal(["?prefix=k&limit=2", "?prefix=k&after=k2&limit=2"], handler.Requests.Select(r => r.Query));
    }

    [Fact]
    public async Task Range_limits_outside_the_api_bounds_are_refused_before_sending()
    {
        var handler = new StubHandler(HttpStatusCode.OK, TwoKeys);
        using var client = ClientWith(handler);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.RangeAsync("p", limit: 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.RangeAsync("p", limit: DistSyncClient.MaxRangeLimit + 1));
        Assert.Equal(0, handler.Requests);
    }

    [Fact]
    public async Task Delete_range_by_prefix_and_by_ends_sends_a_delete_with_the_range_and_reads_the_count()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"deleted":3,"version":20}""");
        using var client = ClientWith(handler);

        Assert.Equal(new KvDeleteRangeResponse(3, 20), await client.DeleteRangeAsync("tmp/"));
        Assert.Equal(HttpMethod.Delete, handler.LastRequest!.Method);
        Assert.Equal("/kv?prefix=tmp%2F", handler.LastRequest.RequestUri!.PathAndQuery);

        await client.DeleteRangeAsync("a", "b");
        Assert.Equal("/kv?from=a&to=b", handler.LastRequest.RequestUri!.PathAndQuery);

        // An empty prefix would delete every key: that takes KvRange.All, said on purpose.
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteRangeAsync(""));
        await client.DeleteRangeAsync(KvRange.All);
        Assert.Equal("/kv?prefix=", handler.LastRequest.RequestUri!.PathAndQuery);
    }

    [Fact]
    public async Task A_txn_built_fluently_posts_the_compares_and_both_branches_and_reads_each_result()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """
            {"succeeded":false,"version":31,"results":[{"op":"get","key":"a","found":true,"value":"x","version":30,"createVersion":12,"sessionId":"s-9"}]}
            """);
        using var client = ClientWith(handler);

        var answer = await client.Txn()
            .If(KvTxn.Absent("a"), KvTxn.ValueIs("b", "x", "!="), KvTxn.Exists("c"), KvTxn.CreateVersionIs("d", 10, "<"))
            .Then(KvTxn.Put("a", "1", "s-9"), KvTxn.DeletePrefix("tmp/"))
            .Else(KvTxn.Get("a"))
            .CommitAsync();

        Assert.Equal(HttpMethod.Post, handler.LastRequest!.Method);
        Assert.Equal("/kv/txn", handler.LastRequest.RequestUri!.AbsolutePath);
        var sent = JsonSerializer.Deserialize<KvTxnRequest>(handler.LastBody!, DistSyncJson.Options)!;
        Assert.Equal([new KvCompare("a", Version: 0), new KvCompare("b", "!=", Value: "x"), new KvCompare("c", Exists: true), new KvCompare("d", "<", CreateVersion: 10)],
            sent.Compare);
        Assert.Equal([new KvTxnOp("put", "a", "1", "s-9"), new KvTxnOp("delete", Prefix: "tmp/")], sent.Success);
        Assert.Equal([new KvTxnOp("get", "a")], sent.Failure);
        Assert.False(answer.Succeeded);
        Assert.Equal(31, answer.Version);
        Assert.Equal(new KvTxnOpResult("get", "a", 30, Found: true, Value: "x", CreateVersion: 12, SessionId: "s-9"), Assert.Single(answer.Results));
    }

    [Fact]
    public async Task A_txn_naming_a_session_that_is_not_live_is_a_session_not_found_exception()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.NotFound,
            """{"type":"about:blank","title":"not found","status":404,"detail":"no session"}""", "application/problem+json"));

        var e = await Assert.ThrowsAsync<SessionNotFoundException>(() => client.Txn().Then(KvTxn.Put("k", "v", "s-gone")).CommitAsync());

        Assert.Equal("s-gone", e.SessionId);
    }

    [Fact]
    public async Task A_400_txn_is_an_api_exception_naming_the_field()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.BadRequest,
            """{"type":"about:blank","title":"bad request","status":400,"detail":"compare[0].op: '=~' is not ==, !=, < or >"}""", "application/problem+json"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.TxnAsync(new KvTxnRequest([new KvCompare("a", "=~", Version: 1)])));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains("compare[0].op", e.Message);
    }

    [Fact]
    public async Task An_ephemeral_put_sends_the_session_and_an_unknown_session_is_a_session_not_found_exception()
    {
        var ok = new StubHandler(HttpStatusCode.OK, """{"key":"svc/1","version":4}""");
        using (var client = ClientWith(ok))
        {
            await client.PutAsync("svc/1", "host:1", sessionId: "s-1");
            Assert.Equal(new KvPutRequest("host:1", null, "s-1"), JsonSerializer.Deserialize<KvPutRequest>(ok.LastBody!, DistSyncJson.Options));
        }
        using var refused = ClientWith(new StubHandler(HttpStatusCode.NotFound,
            """{"type":"about:blank","title":"not found","status":404,"detail":"no session"}""", "application/problem+json"));

        var e = await Assert.ThrowsAsync<SessionNotFoundException>(() => refused.PutAsync("svc/1", "host:1", sessionId: "s-1"));
        Assert.Equal("s-1", e.SessionId);
    }

    [Fact]
    public void Ranges_contain_the_keys_docs_kv_md_says()
    {
        Assert.True(KvRange.Prefix("a/").Contains("a/b"));
        Assert.False(KvRange.Prefix("a/").Contains("a"));
        Assert.True(KvRange.Between("b", "d").Contains("b"));
        Assert.False(KvRange.Between("b", "d").Contains("d"));
        Assert.True(KvRange.Between(null, "d").Contains(""));
        Assert.True(KvRange.Key("k").Contains("k"));
        Assert.False(KvRange.Key("k").Contains("k0"));
        Assert.Throws<ArgumentException>(() => KvRange.Between("z", "a"));
    }
}
