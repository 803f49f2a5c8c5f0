using System.Net;
using System.Net.Sockets;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

public class DistSyncClientSpec
{
    private static DistSyncClient ClientWith(StubHandler handler) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/") }, ownsHttp: true);

    [Fact]
    public async Task Status_is_read_from_camel_case_json()
    {
        const string json = """
            {"nodeId":"n1","role":"leader","term":3,"leader":"n1","commitIndex":10,"lastApplied":9,
             "members":[{"nodeId":"n1","address":"dsync://dsync@127.0.0.1:4053","status":"up","phi":0.0},
                        {"nodeId":"n2","address":"dsync://dsync@127.0.0.1:4054","status":"unreachable","phi":12.5}],
             "groups":[{"groupId":0,"role":"leader","term":3,"leader":"n1","commitIndex":10,"lastApplied":9}]}
            """;
        var handler = new StubHandler(HttpStatusCode.OK, json);
        using var client = ClientWith(handler);

        var status = await client.GetStatusAsync();

        Assert.Equal("/status", handler.LastRequest!.RequestUri!.AbsolutePath);
        Assert.Equal("n1", status.NodeId);
        Assert.Equal(3, status.Term);
        Assert.Equal(2, status.Members.Count);
        Assert.Equal("unreachable", status.Members[1].Status);
        Assert.Equal(12.5, status.Members[1].Phi);
        Assert.Equal(0, Assert.Single(status.Groups).GroupId);
    }

    [Fact]
    public async Task A_problem_body_becomes_an_api_exception_carrying_status_and_detail()
    {
        var handler = new StubHandler(HttpStatusCode.ServiceUnavailable,
            """{"type":"about:blank","title":"no leader","status":503,"detail":"no quorum within 5000 ms"}""",
            "application/problem+json");
        using var client = ClientWith(handler);

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.GetStatusAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal("no quorum within 5000 ms", e.Problem!.Detail);
        Assert.Contains("503", e.Message);
        Assert.Contains("no quorum", e.Message);
    }

    [Fact]
    public async Task An_error_without_a_json_body_still_names_the_status()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.BadGateway, "<html>bad gateway</html>", "text/html"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.GetStatusAsync());

        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Null(e.Problem);
        Assert.Contains("502", e.Message);
    }

    [Fact]
    public async Task Health_returns_unhealthy_instead_of_throwing_on_503()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.ServiceUnavailable, """{"status":"no-leader"}"""));

        var (healthy, body) = await client.GetHealthAsync();

        Assert.False(healthy);
        Assert.Equal("no-leader", body!.Status);
    }

    [Fact]
    public async Task A_closed_port_is_reported_as_node_unreachable_naming_the_node()
    {
        // Bind then release a loopback port so that nothing listens on it.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new DistSyncClient($"127.0.0.1:{port}", TimeSpan.FromSeconds(5));

        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => client.GetStatusAsync());

        Assert.Equal($"127.0.0.1:{port}", e.Node);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://localhost:9000", "http://localhost:9000/")]
    [InlineData("https://node1:443/", "https://node1/")]
    public void Node_addresses_accept_host_port_or_url(string node, string expected) =>
        Assert.Equal(new Uri(expected), DistSyncClient.ToBaseUri(node));

    [Theory]
    [InlineData("")]
    [InlineData("ftp://x:1")]
    [InlineData("http://")]
    public void Bad_node_addresses_are_rejected_with_a_clear_message(string node)
    {
        var e = Assert.Throws<ArgumentException>(() => DistSyncClient.ToBaseUri(node));
        Assert.Contains("node", e.Message);
    }

    [Fact]
    public void Problem_details_round_trip_with_the_api_json_settings()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new ProblemDetails("about:blank", "bad", 400, "field 'ttlMs'"), DistSyncJson.Options);
        Assert.Contains("\"status\":400", json);
        var back = System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(json, DistSyncJson.Options);
        Assert.Equal("field 'ttlMs'", back!.Detail);
    }

    [Fact]
    public void Only_a_problem_that_lists_released_resources_writes_the_released_member()
    {
        var plain = System.Text.Json.JsonSerializer.Serialize(new ProblemDetails("about:blank", "bad", 400, "x"), DistSyncJson.Options);
        var deadlock = System.Text.Json.JsonSerializer.Serialize(
            new ProblemDetails("about:blank", "lock not granted", 409, "deadlock") { Released = [] }, DistSyncJson.Options);

        Assert.DoesNotContain("released", plain, StringComparison.Ordinal);
        Assert.Contains("\"released\":[]", deadlock, StringComparison.Ordinal);
    }
}
