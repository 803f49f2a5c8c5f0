using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Cluster.Membership;
using DistSync.Node.Hosting;
using DistSync.Node.Metrics;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>The System routes of API.md: /health, /status, /metrics and the dashboard page.</summary>
public static class SystemRoutes
{
    public static void Map(WebApplication web, NodeSettings settings, MemberDirectory members, IRaftGroup meta, NodeMetrics metrics)
    {
        // Healthy = up and sees a leader of the meta group (API.md); a load balancer then skips nodes cut off from it.
        web.MapGet("/health", () => meta.Status.Leader is not null
            ? Results.Json(new HealthResponse("ok"), DistSyncJson.Options)
            : Results.Json(new HealthResponse("no-leader"), DistSyncJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable));

        web.MapGet("/status", () => Results.Json(StatusOf(settings, members, meta), DistSyncJson.Options));

        web.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = NodeMetrics.ContentType;
            await metrics.WriteAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
        });

        DashboardRoutes.Map(web);
    }

    /// <summary>The node's view: Raft state of the meta group, and each member's reachability next to its Raft part.</summary>
    public static StatusResponse StatusOf(NodeSettings settings, MemberDirectory members, IRaftGroup meta)
    {
        var raft = meta.Status;
        var list = members.Members();
        var result = new List<MemberStatus>(list.Count);
        foreach (var m in list)
        {
            var kind = RaftKindOf(raft, m.NodeId);
            result.Add(new MemberStatus(m.NodeId, m.Address.ToString(), m.Status, JsonPhi(m.Phi), RaftPartOf(raft, m.NodeId),
                RaftRoleOf(raft, m.NodeId, kind), kind));
        }
        var group = new GroupStatus(raft.GroupId, raft.Role, raft.Term, raft.Leader, raft.CommitIndex, raft.LastApplied);
        return new StatusResponse(settings.NodeId, raft.Role, raft.Term, raft.Leader, raft.CommitIndex, raft.LastApplied, result, [group]);
    }

    /// <summary>
    /// Phi as JSON can carry it: after a long silence the detector's phi is +infinity, which JSON has no number for
    /// (GET /status answered 500 once a member had been dead for a while); it is written as the largest double.
    /// </summary>
    public static double JsonPhi(double phi) => double.IsNaN(phi) ? 0 : double.IsPositiveInfinity(phi) ? double.MaxValue : phi;

    private static string? RaftPartOf(RaftGroupStatus raft, string? nodeId) =>
        nodeId is not null && nodeId == raft.Leader ? "leader" : RaftKindOf(raft, nodeId);

    /// <summary>voter or learner: the member's place in the configuration, whatever its role.</summary>
    private static string? RaftKindOf(RaftGroupStatus raft, string? nodeId)
    {
        if (nodeId is null) return null;
        foreach (var m in raft.Members)
        {
            if (m.NodeId == nodeId) return m.Kind;
        }
        return null;
    }

    /// <summary>leader or follower as this node knows it; this node's own role for itself (it may be campaigning).</summary>
    private static string? RaftRoleOf(RaftGroupStatus raft, string? nodeId, string? kind)
    {
        if (nodeId is null || kind is null) return null;
        if (nodeId == raft.NodeId) return raft.Role;
        return nodeId == raft.Leader ? "leader" : "follower";
    }
}
