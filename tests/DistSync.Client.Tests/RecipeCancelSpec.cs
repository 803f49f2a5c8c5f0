using System.Net;

namespace DistSync.Client.Tests;

/// <summary>
/// A recipe cancelled while its key's write is in flight: the write may have committed though its answer never
/// arrives, so the recipe takes its own key back instead of leaving it to block others until the session ends.
/// </summary>
public class RecipeCancelSpec
{
    [Fact]
    public async Task A_campaign_cancelled_during_its_create_deletes_its_key()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new RouteHandler(seen =>
        {
            if (seen.PathAndQuery == "/session") return RouteHandler.Json("""{"sessionId":"s-1","ttlMs":30000}""", HttpStatusCode.Created);
            if (seen.PathAndQuery == "/kv/txn")
            {
                cancel.Cancel(); // the txn commits, but the caller gives up before reading the answer
                return RouteHandler.Json("""{"succeeded":true,"version":7,"results":[{"op":"put","key":"election/e/s-1","version":7}]}""");
            }
            return RouteHandler.Json("""{"deleted":true}""");
        });
        using var client = new DistSyncClient(["a:1"], handler);
        await using var session = await client.StartSessionAsync(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Election("e").CampaignAsync(session, "v", cancel.Token));

        Assert.Contains(handler.Requests, r => r.Method == HttpMethod.Delete && r.PathAndQuery == "/kv/election/e/s-1");
    }

    [Fact]
    public async Task A_barrier_entry_cancelled_during_its_put_deletes_its_participant_key()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new RouteHandler(seen =>
        {
            if (seen.PathAndQuery == "/session") return RouteHandler.Json("""{"sessionId":"s-2","ttlMs":30000}""", HttpStatusCode.Created);
            if (seen.Method == HttpMethod.Put)
            {
                cancel.Cancel();
                return RouteHandler.Json("""{"key":"barriers/b/participants/s-2","version":3}""");
            }
            return RouteHandler.Json("""{"deleted":true}""");
        });
        using var client = new DistSyncClient(["a:1"], handler);
        await using var session = await client.StartSessionAsync(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Barrier("b", 2).EnterAsync(session, cancel.Token));

        Assert.Contains(handler.Requests, r => r.Method == HttpMethod.Delete && r.PathAndQuery == "/kv/barriers/b/participants/s-2");
    }
}
