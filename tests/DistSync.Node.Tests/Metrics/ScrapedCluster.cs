using DistSync.Client;

namespace DistSync.Node.Tests.Metrics;

/// <summary>
/// Three in-process nodes on which every service did some work through node 1 (a lock taken and released, a queue
/// message produced, consumed and acked, a cache write and two reads, a broadcast published and delivered), with
/// node 1's /metrics scraped before and after. Shared by the metrics, alert-rule and dashboard specs (one cluster).
/// </summary>
public sealed class ScrapedCluster : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private InProcessCluster cluster = null!;

    internal const string Queue = "metrics-orders";
    internal const string Topic = "metrics-news";
    internal const string Resource = "metrics-lock";

    internal IReadOnlyDictionary<string, Family> Before { get; private set; } = null!;
    internal IReadOnlyDictionary<string, Family> After { get; private set; } = null!;
    internal string AfterText { get; private set; } = "";

    /// <summary>dsync_locks_held on node 1 while the lock was held, and after its release.</summary>
    internal double HeldWhileLocked { get; private set; } = double.NaN;

    internal double HeldAfterRelease { get; private set; } = double.NaN;

    public async Task InitializeAsync()
    {
        cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        var client = cluster.Clients[0];
        Before = Exposition.Parse(await ScrapeAsync());

        var session = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));
        await client.AcquireAsync(Resource, session.SessionId);
        HeldWhileLocked = await LocksHeldOnceAppliedAsync(expected: 1);
        await client.ReleaseAsync(Resource, session.SessionId);
        HeldAfterRelease = await LocksHeldOnceAppliedAsync(expected: 0);

        await client.ProduceAsync(Queue, "m1");
        var consumed = await Eventually.Until(() => client.ConsumeAsync(Queue, max: 1), got => got.Count == 1, Patience, "the produced message");
        await client.AckAsync(Queue, consumed.Select(m => m.Receipt));

        await client.CacheWriteAsync("metrics-key", "v1");
        await client.CacheReadAsync("metrics-key");
        await client.CacheReadAsync("metrics-key");

        using var stop = new CancellationTokenSource(Patience);
        await client.PublishAsync(Topic, "hello");
        await foreach (var _ in client.SubscribeAsync(Topic, from: 1, stop.Token)) break; // one delivery through node 1

        // the queue gauges come from the replica manager's periodic sample
        AfterText = await Eventually.Until(ScrapeAsync, t => t.Contains($"dsync_queues_ready{{queue=\"{Queue}\"", StringComparison.Ordinal), Patience,
            "the queue's partition gauges on /metrics");
        After = Exposition.Parse(AfterText);
    }

    /// <summary>dsync_locks_held once node 1's replica shows <paramref name="expected"/> (it applies the grant a moment
    /// after the leader answers), or the last value seen after a generous wait: the spec asserts on it.</summary>
    private async Task<double> LocksHeldOnceAppliedAsync(double expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        double seen;
        do
        {
            seen = Exposition.Value(Exposition.Parse(await ScrapeAsync()), "dsync_locks_held");
            if (seen == expected) return seen;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return seen;
    }

    /// <summary>A fresh scrape of node 1.</summary>
    internal Task<string> ScrapeAsync() => GetStringAsync(0, "/metrics");

    /// <summary>The body of GET <paramref name="path"/> on node <paramref name="node"/>, as sent.</summary>
    internal async Task<string> GetStringAsync(int node, string path)
    {
        using var http = new HttpClient { BaseAddress = cluster.Nodes[node].HttpAddress };
        return await http.GetStringAsync(path);
    }

    internal DistSyncClient Client(int node) => cluster.Clients[node];

    /// <summary>Index of the node every node sees as the meta group's leader.</summary>
    internal Task<int> LeaderAsync() => cluster.WaitForLeaderAsync(Patience);

    internal int Size => cluster.Nodes.Count;

    public async Task DisposeAsync() => await cluster.DisposeAsync();
}
