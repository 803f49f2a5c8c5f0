using System.Net;

namespace DistSync.Node.Tests;

/// <summary>The System routes of API.md on a single node.</summary>
public class SystemRoutesSpec
{
    [Fact]
    public async Task Health_status_metrics_and_dashboard_answer_and_request_ids_are_echoed()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };

        // A single node elects itself; /health is 200 once it sees a leader.
        var health = await Eventually.Until(() => http.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "healthy");
        Assert.Equal("""{"status":"ok"}""", await health.Content.ReadAsStringAsync());

        var status = await cluster.Clients[0].GetStatusAsync();
        Assert.Equal("n1", status.NodeId);
        var self = Assert.Single(status.Members);
        Assert.Equal("up", self.Status);
        Assert.Equal("leader", self.Raft);
        Assert.Equal("leader", status.Role);
        Assert.Equal("n1", status.Leader);
        Assert.Equal(0, Assert.Single(status.Groups).GroupId);

        var metrics = await http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        var text = await metrics.Content.ReadAsStringAsync();
        foreach (var name in new[] { "dsync_remote_malformed_total", "dsync_dead_letters_total", "dsync_remote_messages_sent_total", "dsync_persistence_journal_batches_total" })
            Assert.Contains(name, text);

        var page = await http.GetStringAsync("/");
        Assert.Contains("<title>DistSync</title>", page);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Request-Id", "abc-123");
        var echoed = await http.SendAsync(request);
        Assert.Equal("abc-123", echoed.Headers.GetValues("X-Request-Id").Single());

        var fresh = await http.GetAsync("/health");
        Assert.Matches("^[0-9a-f]{32}$", fresh.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public void An_infinite_phi_of_a_long_dead_member_is_written_as_a_finite_json_number()
    {
        Assert.Equal(double.MaxValue, DistSync.Node.Http.SystemRoutes.JsonPhi(double.PositiveInfinity));
        Assert.Equal(0, DistSync.Node.Http.SystemRoutes.JsonPhi(double.NaN));
        Assert.Equal(3.5, DistSync.Node.Http.SystemRoutes.JsonPhi(3.5));
        var json = System.Text.Json.JsonSerializer.Serialize(new DistSync.Client.Contracts.MemberStatus("n3", "a", "unreachable",
            DistSync.Node.Http.SystemRoutes.JsonPhi(double.PositiveInfinity)));
        Assert.Contains("1.7976931348623157E+308", json);
    }
}
