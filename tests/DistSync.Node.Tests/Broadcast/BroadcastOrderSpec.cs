using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using DistSync.Client;
using DistSync.Client.Contracts;
using Xunit.Abstractions;

namespace DistSync.Node.Tests.Broadcast;

/// <summary>
/// Issue 14's multi-node spec: publishers on every node, SSE subscribers on every node, the meta leader (the
/// sequencer) killed mid-run. Every subscriber's sequence must be identical, gap-free and duplicate-free, and every
/// acknowledged publish must appear in it exactly once, at the seq it was acknowledged with.
/// </summary>
public class BroadcastOrderSpec(ITestOutputHelper log)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const string Topic = "room";
    private const int PerPublisher = 40;

    [Fact]
    public async Task Every_subscriber_sees_one_gap_free_order_with_every_acknowledged_publish_across_a_leader_kill()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var live = new ConcurrentDictionary<int, Uri>();
        for (var i = 0; i < 3; i++) live[i] = cluster.Nodes[i].HttpAddress;
        IReadOnlyList<Uri> LiveNodes() => [.. live.OrderBy(kv => kv.Key).Select(kv => kv.Value)];

        // 1. two subscribers per node, from seq 1
        using var stop = new CancellationTokenSource();
        var subscribers = Enumerable.Range(0, 6).Select(_ => new SseSubscriber()).ToList();
        var subscribing = subscribers.Select((s, i) => Task.Run(() => s.RunAsync(LiveNodes, i % 3, Topic, stop.Token))).ToList();
        await Eventually.Until(() => Task.FromResult(cluster.Nodes.Sum(n => n.Broadcast.TotalSubscribers)), n => n == 6, Patience, "six live subscriptions");

        // 2. one publisher per node, each retrying a failed publish with the same (clientId, clientSeq)
        var acked = new ConcurrentDictionary<string, long>();
        var killAfter = new TaskCompletionSource();
        var publishing = Enumerable.Range(0, 3).Select(p => Task.Run(async () =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var node = p;
            for (var k = 1; k <= PerPublisher; k++)
            {
                var payload = $"p{p}-{k}";
                while (true)
                {
                    var nodes = LiveNodes();
                    try
                    {
                        var response = await http.PostAsJsonAsync(new Uri(nodes[node % nodes.Count], "broadcast/publish"),
                            new BroadcastPublishRequest(Topic, payload, $"publisher-{p}", k), DistSyncJson.Options);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var body = await response.Content.ReadFromJsonAsync<BroadcastPublishResponse>(DistSyncJson.Options);
                            Assert.True(acked.TryAdd(payload, body!.Seq) || acked[payload] == body.Seq, $"{payload} acknowledged with two seqs");
                            break;
                        }
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                    }
                    node++;
                    await Task.Delay(50);
                }
                if (acked.Count >= PerPublisher) killAfter.TrySetResult();
            }
        })).ToList();

        // 3. mid-run, the leader (the sequencer) is killed
        await killAfter.Task.WaitAsync(Patience);
        live.TryRemove(leader, out _);
        await cluster.Nodes[leader].CrashAsync();
        log.WriteLine($"killed the leader n{leader + 1} after {acked.Count} acknowledged publishes");
        await Task.WhenAll(publishing).WaitAsync(Patience * 2);

        // 4. every subscriber reaches the last seq
        using var survivor = new HttpClient { BaseAddress = cluster.Nodes[(leader + 1) % 3].HttpAddress };
        var topics = await Eventually.Until(() => survivor.GetFromJsonAsync<List<BroadcastTopicInfo>>("broadcast/topics", DistSyncJson.Options),
            t => t!.Any(x => x.Topic == Topic), Patience, "the topic listed");
        var lastSeq = topics!.Single(t => t.Topic == Topic).LastSeq;
        foreach (var s in subscribers)
            await Eventually.Until(() => Task.FromResult(s.LastSeq), last => last >= lastSeq, Patience, "a subscriber caught up");
        await stop.CancelAsync();
        await Task.WhenAll(subscribing).WaitAsync(Patience);

        // 5. one order: 1..lastSeq on every subscriber, identical payloads, every acknowledged publish at its seq
        Assert.Equal(3 * PerPublisher, acked.Count);
        var reference = subscribers[0].Received;
        Assert.Equal(Enumerable.Range(1, (int)lastSeq).Select(i => (long)i), reference.Select(r => r.Seq));
        foreach (var s in subscribers) Assert.Equal(reference, s.Received);
        var bySeq = reference.ToDictionary(r => r.Seq, r => r.Payload);
        foreach (var (payload, seq) in acked) Assert.Equal(payload, bySeq[seq]);
        Assert.Equal(reference.Count, reference.Select(r => r.Payload).Distinct().Count());
        log.WriteLine($"{lastSeq} messages, {subscribers.Sum(s => s.Reconnects)} reconnects, identical on all 6 subscribers");
    }
}
