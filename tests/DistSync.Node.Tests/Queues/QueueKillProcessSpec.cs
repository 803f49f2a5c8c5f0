using System.Globalization;
using DistSync.Client;
using Xunit.Abstractions;

namespace DistSync.Node.Tests.Queues;

/// <summary>
/// Three real node processes (SQLite journal, fsync on) under produce/consume load; one is killed with SIGKILL and
/// restarted from its journal. Every produce answered 201 is delivered at least once, nothing acked is delivered
/// again, and the restarted node serves the queue again.
/// </summary>
public class QueueKillProcessSpec(ITestOutputHelper log)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_a_node_under_load_loses_no_acknowledged_message()
    {
        var dataRoot = Path.Combine(Path.GetTempPath(), "dsync-queue-kill-" + Guid.NewGuid().ToString("N"));
        var http = TestPorts.Free(3);
        var remote = TestPorts.Free(3);
        var founders = string.Join(",", remote.Select((p, i) => $"n{i + 1}@127.0.0.1:{p}"));
        var processes = new NodeProcess?[3];
        void Start(int i) => processes[i] = NodeProcess.StartMember($"n{i + 1}", http[i], remote[i], remote.Where((_, j) => j != i),
            Path.Combine(dataRoot, $"n{i + 1}"), founders, "dsync.http.request-timeout=3s");
        var clients = http.Select(p => new DistSyncClient($"127.0.0.1:{p}", TimeSpan.FromSeconds(10))).ToArray();
        try
        {
            // 1. three processes; the queue is created by a first produce (retried until the cluster is up)
            for (int i = 0; i < 3; i++) Start(i);
            await Eventually.Until(() => clients[0].ProduceAsync("jobs", "first", messageId: "first"), r => r.MessageId == "first", Patience, "the first produce");
            var acknowledged = new HashSet<string> { "first" };
            var acked = new HashSet<string>();
            var delivered = new HashSet<string>();

            // 2. producers on n1 and n2, a consumer on n1 that acks every batch
            using var stop = new CancellationTokenSource();
            var producers = Enumerable.Range(0, 2).Select(p => Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested;)
                {
                    var id = $"p{p}-{i}";
                    try
                    {
                        await clients[p].ProduceAsync("jobs", id, key: "key" + (i % 5), messageId: id);
                        lock (acknowledged) acknowledged.Add(id);
                        i++;
                    }
                    catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException)
                    {
                        await Task.Delay(50); // unknown outcome: the same id again (deduped if it was stored)
                    }
                }
            })).ToArray();
            async Task ConsumeOnceAsync(DistSyncClient client)
            {
                try
                {
                    var batch = await client.ConsumeAsync("jobs", 100, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(300));
                    lock (acknowledged)
                        foreach (var m in batch)
                        {
                            Assert.DoesNotContain(m.Payload, acked);
                            delivered.Add(m.Payload);
                        }
                    if (batch.Count == 0) return;
                    var ack = await client.AckAsync("jobs", batch.Select(m => m.Receipt));
                    lock (acknowledged)
                        foreach (var m in batch)
                            if (!ack.Unknown.Contains(m.Receipt)) acked.Add(m.Payload);
                }
                catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException)
                {
                    // the node is down or the partition is electing: try again
                }
            }
            var consumer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested) await ConsumeOnceAsync(clients[0]);
            });
            await Eventually.Until(() => Task.FromResult(acknowledged.Count), n => n >= 200, Patience, "200 produced");

            // 3. kill -9 n3 (it leads some partitions), go on, restart it from its journal
            processes[2]!.KillHard();
            int atKill;
            lock (acknowledged) atKill = acknowledged.Count;
            await Eventually.Until(() => Task.FromResult(acknowledged.Count), n => n >= atKill + 200, Patience, "200 more produced after the kill");
            processes[2]!.Dispose();
            Start(2);
            await Eventually.Until(() => clients[2].GetQueueStatsAsync("jobs"), s => s.Partitions.All(p => p.Leader is not null), Patience, "n3 serves the queue again");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await stop.CancelAsync();
            await Task.WhenAll(producers);
            await consumer;

            // 4. drain through the restarted node: everything acknowledged is delivered
            await Eventually.Until(async () =>
            {
                await ConsumeOnceAsync(clients[2]);
                lock (acknowledged) return acknowledged.Except(delivered).Count();
            }, missing => missing == 0, Patience, "every acknowledged message delivered");
            log.WriteLine($"{acknowledged.Count} acknowledged, {delivered.Count} delivered, {acked.Count} acked");
        }
        catch
        {
            for (int i = 0; i < 3; i++) log.WriteLine($"--- n{i + 1} output ---\n{processes[i]?.Output}");
            throw;
        }
        finally
        {
            foreach (var p in processes) p?.Dispose();
            foreach (var c in clients) c.Dispose();
            try
            {
                Directory.Delete(dataRoot, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}
