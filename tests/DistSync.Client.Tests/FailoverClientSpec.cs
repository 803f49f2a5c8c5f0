using System.Net;
using System.Net.Sockets;
using System.Text;
using DistSync.Cli.Tests;

namespace DistSync.Client.Tests;

/// <summary>A client given several nodes: a node that is down or answers 503 is skipped, the one that answered is kept.</summary>
public class FailoverClientSpec
{
    [Fact]
    public async Task A_closed_first_endpoint_is_skipped_and_the_node_that_answered_is_used_from_then_on()
    {
        // 1. one real node, and before it in the list a port nothing listens on
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var closed = $"127.0.0.1:{ClosedPort()}";
        using var client = new DistSyncClient([closed, nodes.Address(0)], TimeSpan.FromSeconds(10));
        Assert.Equal(closed, client.BaseAddress.Authority);

        // 2. a write succeeds through the second endpoint, which the client now remembers
        var written = await client.PutAsync("k", "v");
        Assert.Equal(nodes.Address(0), client.BaseAddress.Authority);

        // 3. and reads go there too
        Assert.Equal(written.Version, (await client.GetAsync("k"))!.Version);
        Assert.Equal(nodes.Address(0), client.BaseAddress.Authority);
    }

    [Fact]
    public async Task With_every_endpoint_down_the_one_exception_names_them_all()
    {
        var a = $"127.0.0.1:{ClosedPort()}";
        var b = $"127.0.0.1:{ClosedPort()}";
        using var client = new DistSyncClient([a, b], TimeSpan.FromSeconds(5));

        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => client.GetStatusAsync());

        Assert.Contains(a, e.Message);
        Assert.Contains(b, e.Message);
    }

    [Fact]
    public async Task A_503_moves_the_request_with_its_body_to_the_next_node_and_a_single_node_503_is_still_an_error()
    {
        var handler = new ByHost(new() { ["a"] = HttpStatusCode.ServiceUnavailable, ["b"] = HttpStatusCode.OK });
        using var client = new DistSyncClient(["a:1", "b:1"], handler);

        var put = await client.PutAsync("k", "value-1");

        Assert.Equal(7, put.Version);
        Assert.Equal(["a", "b"], handler.Hosts);
        Assert.All(handler.Bodies, body => Assert.Contains("value-1", body));
        Assert.Equal("b:1", client.BaseAddress.Authority);

        using var single = new DistSyncClient(["a:1"], new ByHost(new() { ["a"] = HttpStatusCode.ServiceUnavailable }));
        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => single.PutAsync("k", "v"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Tests only: answers by the request's host; a 200 is a KV put's answer.</summary>
    private sealed class ByHost(Dictionary<string, HttpStatusCode> statuses) : HttpMessageHandler
    {
        public List<string> Hosts { get; } = [];
        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Hosts.Add(request.RequestUri!.Host);
            Bodies.Add(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
            var status = statuses[request.RequestUri.Host];
            var body = status == HttpStatusCode.OK
                ? """{"key":"k","version":7}"""
                : """{"type":"about:blank","title":"unavailable","status":503,"detail":"no quorum"}""";
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request };
        }
    }
}
