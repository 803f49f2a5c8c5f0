using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Cluster.Membership;
using DistSync.Node.Hosting;
using DistSync.Node.Metrics;

namespace DistSync.Node.Http;

/// <summary>The System routes of API.md: /health, /status, /metrics and the dashboard page.</summary>
public static class SystemRoutes
{
    public static void Map(WebApplication web, NodeSettings settings, MemberDirectory members, PrometheusTextExporter metrics)
    {
        // No Raft group is hosted yet (the Raft-in-cluster issue adds it), so "sees a leader" cannot be
        // asked: a node that serves HTTP and has its remoting bound is healthy.
        web.MapGet("/health", () => Results.Json(new HealthResponse("ok"), DistSyncJson.Options));

        web.MapGet("/status", () => Results.Json(StatusOf(settings, members), DistSyncJson.Options));

        web.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));

        web.MapGet("/", () => Results.Content(Dashboard.Html, "text/html; charset=utf-8"));
    }

    public static StatusResponse StatusOf(NodeSettings settings, MemberDirectory members)
    {
        var list = members.Members();
        var result = new List<MemberStatus>(list.Count);
        foreach (var m in list) result.Add(new MemberStatus(m.NodeId, m.Address.ToString(), m.Status, m.Phi));
        return new StatusResponse(settings.NodeId, "none", 0, null, 0, 0, result, []);
    }
}
