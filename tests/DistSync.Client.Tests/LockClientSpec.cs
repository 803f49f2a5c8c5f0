using System.Net;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

public class LockClientSpec
{
    private static DistSyncClient ClientWith(StubHandler handler) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/") }, ownsHttp: true);

    private static string Problem(int status, string title, string detail) =>
        $$"""{"type":"about:blank","title":"{{title}}","status":{{status}},"detail":"{{detail}}"}""";

    [Fact]
    public async Task Acquire_sends_mode_wait_and_txn_and_reads_the_fencing_token()
    {
        var handler = new BodyCapturingHandler("""{"resource":"r","mode":"shared","fencingToken":41}""");
        using var client = new DistSyncClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/") }, ownsHttp: true);

        var granted = await client.AcquireAsync("r", "s-3", LockAccess.Shared, TimeSpan.FromMilliseconds(1500), "t1");

        Assert.Equal(new AcquireResponse("r", "shared", 41), granted);
        Assert.Equal("/lock/acquire", handler.Path);
        var sent = JsonDocument.Parse(handler.Body!).RootElement;
        Assert.Equal("shared", sent.GetProperty("mode").GetString());
        Assert.Equal(1500, sent.GetProperty("waitMs").GetInt64());
        Assert.Equal("t1", sent.GetProperty("txnId").GetString());
        Assert.Equal("s-3", sent.GetProperty("sessionId").GetString());
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("deadlock")]
    [InlineData("conflict")]
    public async Task A_409_is_a_lock_not_granted_exception_naming_the_reason(string reason)
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.Conflict, Problem(409, "lock not granted", reason), "application/problem+json"));

        var e = await Assert.ThrowsAsync<LockNotGrantedException>(() => client.AcquireAsync("r", "s-1"));

        Assert.Equal(reason, e.Reason);
        Assert.Equal("r", e.Resource);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
    }

    [Fact]
    public async Task A_409_deadlock_exposes_the_resources_the_aborted_transaction_lost()
    {
        const string body = """{"type":"about:blank","title":"lock not granted","status":409,"detail":"deadlock","released":["a","b/c"]}""";
        using var client = ClientWith(new StubHandler(HttpStatusCode.Conflict, body, "application/problem+json"));

        var e = await Assert.ThrowsAsync<LockNotGrantedException>(() => client.AcquireAsync("r", "s-1", wait: TimeSpan.FromSeconds(1)));

        Assert.Equal("deadlock", e.Reason);
        Assert.Equal(["a", "b/c"], e.Released);
        Assert.Equal(["a", "b/c"], e.Problem!.Released);
        Assert.Contains("released: a, b/c", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_409_without_a_released_list_has_none()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.Conflict, Problem(409, "lock not granted", "timeout"), "application/problem+json"));

        var e = await Assert.ThrowsAsync<LockNotGrantedException>(() => client.AcquireAsync("r", "s-1"));

        Assert.Empty(e.Released);
        Assert.Null(e.Problem!.Released);
    }

    [Fact]
    public async Task A_404_from_the_node_means_the_session_is_gone_for_acquire_and_keepalive()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.NotFound, Problem(404, "not found", "Session s-9 does not exist"), "application/problem+json"));

        var acquire = await Assert.ThrowsAsync<SessionNotFoundException>(() => client.AcquireAsync("r", "s-9"));
        Assert.Equal("s-9", acquire.SessionId);
        await Assert.ThrowsAsync<SessionNotFoundException>(() => client.KeepAliveAsync("s-9"));
        Assert.False(await client.DeleteSessionAsync("s-9"));
        Assert.False(await client.ReleaseAsync("r", "s-9"));
    }

    [Fact]
    public async Task A_404_without_the_nodes_problem_body_is_not_mistaken_for_a_missing_session()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.NotFound, "<html>nope</html>", "text/html"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.ReleaseAsync("r", "s-1"));
        Assert.IsNotType<SessionNotFoundException>(e);
    }

    [Fact]
    public async Task Status_escapes_each_segment_of_the_resource()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"resource":"a b/c","mode":"none","holders":[],"waiters":[]}""");
        using var client = ClientWith(handler);

        var status = await client.GetLockStatusAsync("a b/c");

        Assert.Equal("/lock/status/a%20b/c", handler.LastRequest!.RequestUri!.AbsolutePath);
        Assert.Equal("none", status.Mode);
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetLockStatusAsync(""));
    }

    /// <summary>Keeps the request body, which the client disposes with the request.</summary>
    private sealed class BodyCapturingHandler(string answer) : HttpMessageHandler
    {
        public string? Path { get; private set; }
        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Path = request.RequestUri!.AbsolutePath;
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, System.Text.Encoding.UTF8, "application/json"), RequestMessage = request };
        }
    }
}
