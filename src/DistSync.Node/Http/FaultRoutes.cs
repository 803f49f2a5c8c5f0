using Akka.Actor;
using Akka.Remote.Transport;
using DistSync.Client;
using DistSync.Cluster.Faults;
using DistSync.Cluster.Membership;
using DistSync.Node.Hosting;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// Admin fault routes, mapped only when <c>dsync.testing.fault-injection = on</c> (which also runs the transport's
/// throttler and failure-injector adapters). They act on THIS node: blocks are black holes on the real transport
/// (<see cref="NodeFaults"/>, Akka's throttler); drops and delays go through Raft's send-path seam
/// (<see cref="RaftLinkFaults"/>: seeded drops and fixed delays, which Akka's adapters do not offer).
/// </summary>
public static class FaultRoutes
{
    /// <summary>Body of the fault routes: the peer (host:port of its remoting) and what to do.</summary>
    public sealed record FaultRequest(string? Peer, string? Direction, double? Fraction, int? DelayMs);

    public static void Map(WebApplication web, NodeSettings settings, NodeFaults faults, RaftLinkFaults links, MemberDirectory members)
    {
        var self = settings.NodeId;

        web.MapGet("/admin/faults", () => Results.Json(
            faults.Rules.Select(r => $"{r.Value} {r.Key.Host}:{r.Key.Port}").ToList(), DistSyncJson.Options));

        web.MapPost("/admin/faults/block", async (HttpContext ctx) =>
        {
            var (req, problem) = await JsonBody.ReadAsync<FaultRequest>(ctx, settings.MaxRequestBodyBytes);
            if (problem is not null) return problem;
            if (!TryPeer(req!.Peer, faults, out var peer, out problem)) return problem!;
            var direction = req.Direction ?? "both";
            ThrottleTransportAdapter.Direction? mode = direction switch
            {
                "both" => ThrottleTransportAdapter.Direction.Both,
                "outbound" => ThrottleTransportAdapter.Direction.Send,
                "inbound" => ThrottleTransportAdapter.Direction.Receive,
                _ => null,
            };
            if (mode is null) return Problems.BadRequest("field 'direction' must be 'both', 'outbound' or 'inbound'");
            await faults.BlockAsync(peer, mode.Value);
            return Results.Ok(new { blocked = $"{peer.Host}:{peer.Port}", direction });
        });

        web.MapPost("/admin/faults/drop", async (HttpContext ctx) =>
        {
            var (req, problem) = await JsonBody.ReadAsync<FaultRequest>(ctx, settings.MaxRequestBodyBytes);
            if (problem is not null) return problem;
            if (!TryPeer(req!.Peer, faults, out var peer, out problem)) return problem!;
            if (req.Fraction is not (>= 0 and <= 1)) return Problems.BadRequest("field 'fraction' must be between 0 and 1");
            if (!TryNodeIdOf(peer, members, out var peerId, out problem)) return problem!;
            links.Drop(self, peerId, req.Fraction.Value);
            return Results.Ok(new { dropping = $"{peer.Host}:{peer.Port}", fraction = req.Fraction });
        });

        web.MapPost("/admin/faults/delay", async (HttpContext ctx) =>
        {
            var (req, problem) = await JsonBody.ReadAsync<FaultRequest>(ctx, settings.MaxRequestBodyBytes);
            if (problem is not null) return problem;
            if (!TryPeer(req!.Peer, faults, out var peer, out problem)) return problem!;
            if (req.DelayMs is not (>= 0 and <= 60_000)) return Problems.BadRequest("field 'delayMs' must be between 0 and 60000");
            if (!TryNodeIdOf(peer, members, out var peerId, out problem)) return problem!;
            links.Delay(self, peerId, TimeSpan.FromMilliseconds(req.DelayMs.Value));
            return Results.Ok(new { delaying = $"{peer.Host}:{peer.Port}", delayMs = req.DelayMs });
        });

        web.MapPost("/admin/faults/heal", async () =>
        {
            await faults.HealAllAsync();
            foreach (var m in members.Members())
            {
                if (m.NodeId is { } id && id != self) links.Heal(self, id);
            }
            return Results.Ok(new { healed = self });
        });
    }

    private static bool TryPeer(string? text, NodeFaults faults, out Address peer, out IResult? problem)
    {
        peer = null!;
        problem = null;
        if (string.IsNullOrWhiteSpace(text) || !NodeSettings.TryParseHostPort(text, out _, out _))
        {
            problem = Problems.BadRequest("field 'peer' must be the peer's remoting host:port");
            return false;
        }
        peer = DistSyncNode.SeedAddress(text, faults.Self.Protocol);
        return true;
    }

    /// <summary>Raft's seam is keyed by node id: the member at that host:port must be known.</summary>
    private static bool TryNodeIdOf(Address peer, MemberDirectory members, out string nodeId, out IResult? problem)
    {
        nodeId = "";
        problem = null;
        foreach (var m in members.Members())
        {
            if (m.Address.Host == peer.Host && m.Address.Port == peer.Port && m.NodeId is { } id)
            {
                nodeId = id;
                return true;
            }
        }
        problem = Problems.BadRequest($"field 'peer': no known member at {peer.Host}:{peer.Port}");
        return false;
    }
}
