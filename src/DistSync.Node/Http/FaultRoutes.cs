using DistSync.Actors;
using DistSync.Actors.Remote;
using DistSync.Client;
using DistSync.Node.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// Admin routes over the transport's fault-injection seam, mapped only when
/// <c>dsync.testing.fault-injection = on</c>. They act on THIS node's outbound and inbound traffic.
/// </summary>
public static class FaultRoutes
{
    /// <summary>Body of the fault routes: the peer (host:port of its remoting) and what to do.</summary>
    public sealed record FaultRequest(string? Peer, string? Direction, double? Fraction, int? DelayMs);

    public static void Map(WebApplication web, NodeSettings settings, RemoteActorRefProvider remoting)
    {
        var self = remoting.LocalAddress;
        var faults = remoting.Faults;

        web.MapGet("/admin/faults", () => Results.Json(faults.Rules.Select(r => r.ToString()).ToList(), DistSyncJson.Options));

        web.MapPost("/admin/faults/block", async (HttpContext ctx) =>
        {
            var (req, problem) = await JsonBody.ReadAsync<FaultRequest>(ctx, settings.MaxRequestBodyBytes);
            if (problem is not null) return problem;
            if (!TryPeer(req!.Peer, out var peer, out problem)) return problem!;
            switch (req.Direction ?? "both")
            {
                case "both": faults.BlockBoth(self, peer); break;
                case "outbound": faults.Block(self, peer); break;
                case "inbound": faults.Block(peer, self); break;
                default: return Problems.BadRequest("field 'direction' must be 'both', 'outbound' or 'inbound'");
            }
            return Results.Ok(new { blocked = peer.ToString(), direction = req.Direction ?? "both" });
        });

        web.MapPost("/admin/faults/drop", async (HttpContext ctx) =>
        {
            var (req, problem) = await JsonBody.ReadAsync<FaultRequest>(ctx, settings.MaxRequestBodyBytes);
            if (problem is not null) return problem;
            if (!TryPeer(req!.Peer, out var peer, out problem)) return problem!;
            if (req.Fraction is not (>= 0 and <= 1)) return Problems.BadRequest("field 'fraction' must be between 0 and 1");
            faults.Drop(self, peer, req.Fraction.Value);
            return Results.Ok(new { dropping = peer.ToString(), fraction = req.Fraction });
        });

        web.MapPost("/admin/faults/delay", async (HttpContext ctx) =>
        {
            var (req, problem) = await JsonBody.ReadAsync<FaultRequest>(ctx, settings.MaxRequestBodyBytes);
            if (problem is not null) return problem;
            if (!TryPeer(req!.Peer, out var peer, out problem)) return problem!;
            if (req.DelayMs is not (>= 0 and <= 60_000)) return Problems.BadRequest("field 'delayMs' must be between 0 and 60000");
            faults.Delay(self, peer, TimeSpan.FromMilliseconds(req.DelayMs.Value));
            return Results.Ok(new { delaying = peer.ToString(), delayMs = req.DelayMs });
        });

        web.MapPost("/admin/faults/heal", () =>
        {
            faults.Heal(self);
            return Results.Ok(new { healed = self.ToString() });
        });
    }

    private static bool TryPeer(string? text, out Address peer, out IResult? problem)
    {
        peer = null!;
        problem = null;
        if (string.IsNullOrWhiteSpace(text) || !NodeSettings.TryParseHostPort(text, out _, out _))
        {
            problem = Problems.BadRequest("field 'peer' must be the peer's remoting host:port");
            return false;
        }
        peer = DistSyncNode.SeedAddress(text);
        return true;
    }
}
