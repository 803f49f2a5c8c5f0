using System.Text.Json;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Serilog.Events;

namespace DistSync.Ops.Tests;

/// <summary>GET /openapi/v1.json on a running (single-node) node.</summary>
public class OpenApiSpec
{
    [Fact]
    public async Task The_node_serves_an_OpenAPI_3_document_naming_every_service_route()
    {
        var data = Path.Combine(Path.GetTempPath(), "dsync-ops-openapi-" + Guid.NewGuid().ToString("N"));
        var config = DistSyncConfiguration.Build(Repo.PathOf("hocon/dsync.conf"),
            ["--set", "dsync.http.port=0", "--set", "dsync.remote.port=0", "--set", $"dsync.node.data-dir={data}", "--set", "dsync.log.level=warning"],
            new Dictionary<string, string>());
        var node = await DistSyncNode.StartAsync(config, DistSyncLogging.CreateLogger("n1", LogFormat.Console, LogEventLevel.Warning, TextWriter.Null));
        try
        {
            using var http = new HttpClient { BaseAddress = node.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
            using var response = await http.GetAsync("/openapi/v1.json");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");

            using var doc = JsonDocument.Parse(body);
            Assert.StartsWith("3.", doc.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
            var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
            foreach (var expected in new[] { "/lock/acquire", "/queue/produce", "/cache/read/{key}", "/kv/{key}", "/broadcast/publish", "/session" })
                Assert.True(paths.Contains(expected), $"{expected} missing; paths: {string.Join(", ", paths.Order())}");

            // tagged by service and summarized, from one place (OpenApiDocs)
            var acquire = doc.RootElement.GetProperty("paths").GetProperty("/lock/acquire").GetProperty("post");
            Assert.Equal("Locks", acquire.GetProperty("tags")[0].GetString());
            // routes added later may come without one; these must not
            foreach (var (path, method) in new[] { ("/lock/acquire", "post"), ("/queue/produce", "post"), ("/cache/read/{key}", "get"), ("/kv/{key}", "put"), ("/broadcast/publish", "post"), ("/session", "post"), ("/health", "get"),
                ("/kv", "get"), ("/kv", "delete"), ("/kv/txn", "post"), ("/kv/watch", "get") })
            {
                var op = doc.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);
                Assert.True(op.TryGetProperty("summary", out var summary) && summary.GetString() is { Length: > 0 }, $"{method} {path} has no summary");
            }
        }
        finally
        {
            await node.StopAsync();
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }
}
