using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Cluster.Membership;
using DistSync.Node.Hosting;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// Membership and Raft admin routes: <c>POST /cluster/leave</c>, <c>POST /cluster/down/{nodeId}</c>,
/// <c>POST /raft/transfer-leader/{nodeId}</c> (202 once proposed) and <c>GET /raft/status</c>.
/// </summary>
public static class ClusterRoutes
{
    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta, MemberDirectory members)
    {
        web.MapGet("/raft/status", () => Results.Json(RaftStatusOf(settings, meta, members), DistSyncJson.Options));

        // Typed as Func so ASP.NET writes the returned IResult (a bare HttpContext lambda would be a RequestDelegate).
        Func<HttpContext, Task<IResult>> leave = ctx => RaftRequest.RunAsync(ctx, settings, async ct =>
        {
            await meta.RemoveMemberAsync(settings.NodeId, ct).ConfigureAwait(false);
            return Accepted("leave", settings.NodeId);
        });
        web.MapPost("/cluster/leave", leave);

        web.MapPost("/cluster/down/{nodeId}", (HttpContext ctx, string nodeId) =>
        {
            if (nodeId == settings.NodeId) return Task.FromResult(Problems.BadRequest("field 'nodeId' names this node; use POST /cluster/leave"));
            if (!IsMember(meta, nodeId)) return Task.FromResult(Problems.NotFound($"no member '{nodeId}' in the meta group"));
            return RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                await meta.RemoveMemberAsync(nodeId, ct).ConfigureAwait(false);
                return Accepted("down", nodeId);
            });
        });

        web.MapPost("/raft/transfer-leader/{nodeId}", (HttpContext ctx, string nodeId) =>
        {
            if (!IsMember(meta, nodeId)) return Task.FromResult(Problems.NotFound($"no member '{nodeId}' in the meta group"));
            return RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                await meta.TransferLeaderAsync(nodeId, ct).ConfigureAwait(false);
                return Accepted("transfer-leader", nodeId);
            });
        });
    }

    public static RaftStatusResponse RaftStatusOf(NodeSettings settings, IRaftGroup meta, MemberDirectory members)
    {
        var s = meta.Status;
        var memberList = new List<RaftMemberDetail>(s.Members.Count);
        foreach (var m in s.Members) memberList.Add(new RaftMemberDetail(m.NodeId, m.Address, m.Kind));
        var followers = new List<RaftFollowerDetail>(s.Followers.Count);
        foreach (var f in s.Followers) followers.Add(new RaftFollowerDetail(f.NodeId, f.MatchIndex, f.NextIndex, f.State, f.RecentlyActive));
        var group = new RaftGroupDetail(s.GroupId, s.Role, s.Term, s.Leader, s.CommitIndex, s.LastApplied, s.LastIndex, memberList, followers,
            s.SnapshotIndex, s.FirstIndex);
        var leaderHttp = s.Leader is null ? null : s.Leader == settings.NodeId ? members.Self.HttpEndpoint : members.HttpEndpointOf(s.Leader);
        return new RaftStatusResponse(settings.NodeId, leaderHttp, [group]);
    }

    private static bool IsMember(IRaftGroup meta, string nodeId)
    {
        foreach (var m in meta.Status.Members)
        {
            if (m.NodeId == nodeId) return true;
        }
        return false;
    }

    private static IResult Accepted(string what, string nodeId) =>
        Results.Json(new AcceptedResponse(what, nodeId), DistSyncJson.Options, statusCode: StatusCodes.Status202Accepted);
}
