using System.Diagnostics;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Bench;

/// <summary>
/// Phase (d) of <c>bench queues</c>: how long a rebalance stalls a partition. Three node processes, 16 producers
/// (closed loop, unique messageIds) round-robin over them; a 4th node joins, the meta leader moves the partitions whose
/// ring successors now include it (learner, promote, remove), and the producers go on. For every partition the
/// longest gap between two consecutive 201s inside the window (join to settled + 3 s) is the stall it saw; the bench
/// prints the longest and the median over partitions, the errors meanwhile, and whether every produce answered 201
/// is consumable afterwards (nothing lost).
/// </summary>
internal static class QueueRebalanceStall
{
    private const int Producers = 16;
    private const string Queue = "rebalance";

    public static async Task<bool> RunAsync(string nodeDll, string root, string work, IReadOnlyList<string> sets)
    {
        Console.WriteLine();
        Console.WriteLine($"(d) rebalance stall: {Producers} producers over three nodes; a 4th node joins and takes over its partitions; per partition the longest gap between two 201s");
        using var cluster = new NodeCluster(nodeDll, root, work, sets, spare: 1);
        try
        {
            cluster.StartAll();
            await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
            var clients = cluster.Clients;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    await clients[0].ProduceAsync(Queue, "first", messageId: "first");
                    break;
                }
                catch (DistSyncApiException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }

            var acknowledged = new HashSet<string> { "first" };
            var times = new Dictionary<int, List<long>>();
            long errors = 0;
            using var stop = new CancellationTokenSource();
            var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested;)
                {
                    var id = $"p{p}-{i}";
                    try
                    {
                        var r = await clients[(p + i) % 3].ProduceAsync(Queue, id, messageId: id);
                        long now = Stopwatch.GetTimestamp();
                        lock (times)
                        {
                            acknowledged.Add(id);
                            if (!times.TryGetValue(r.Partition, out var list)) times[r.Partition] = list = [];
                            list.Add(now);
                        }
                        i++;
                    }
                    catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref errors); // unknown outcome: the same id again (deduped if it was stored)
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(3));
            var before = await clients[0].GetQueueStatsAsync(Queue);
            long windowStart = Stopwatch.GetTimestamp();
            long errorsBefore = Interlocked.Read(ref errors);
            cluster.StartJoiner(3);
            // settled: some partition has a replica on n4 and no move is under way
            var settleBy = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            QueueStatsResponse? after = null;
            while (DateTime.UtcNow < settleBy)
            {
                await Task.Delay(250);
                try
                {
                    after = await clients[0].GetQueueStatsAsync(Queue);
                    if (after.Partitions.Any(p => p.Replicas.Contains("n4")) && after.Partitions.All(p => p.MovingTo.Count == 0)) break;
                }
                catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException)
                {
                }
                after = null;
            }
            if (after is null) throw new TimeoutException("the partitions did not settle on the 4-node ring within 120 s");
            double settleSeconds = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(3));
            long windowEnd = Stopwatch.GetTimestamp();
            await stop.CancelAsync();
            await Task.WhenAll(producers);

            var moved = after.Partitions.Count(p => !p.Replicas.SequenceEqual(before.Partitions.Single(b => b.Id == p.Id).Replicas));
            var stalls = new List<(int Partition, double Ms)>();
            lock (times)
            {
                foreach (var (partition, list) in times)
                {
                    long last = windowStart, worst = 0;
                    foreach (var t in list)
                    {
                        if (t < windowStart || t > windowEnd) continue;
                        worst = Math.Max(worst, t - last);
                        last = t;
                    }
                    worst = Math.Max(worst, windowEnd - last);
                    stalls.Add((partition, worst * 1000.0 / Stopwatch.Frequency));
                }
            }
            stalls.Sort((a, b) => a.Ms.CompareTo(b.Ms));
            var worstStall = stalls[^1];
            Console.WriteLine($"  {moved} of {after.Partitions.Count} partitions moved in {settleSeconds:0.0} s; errors (503/timeouts, retried) meanwhile: {Interlocked.Read(ref errors) - errorsBefore}");
            Console.WriteLine($"  longest gap between two 201s per partition: max {worstStall.Ms:N0} ms (partition {worstStall.Partition}), median {stalls[stalls.Count / 2].Ms:N0} ms");

            // nothing lost: every acknowledged produce is consumable
            var seen = new HashSet<string>();
            var drainBy = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < drainBy && !acknowledged.IsSubsetOf(seen))
            {
                var batch = await clients[3].ConsumeAsync(Queue, 1000, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(500));
                foreach (var m in batch) seen.Add(m.Payload);
            }
            int missing = acknowledged.Count(id => !seen.Contains(id));
            Console.WriteLine($"  {acknowledged.Count:N0} produces answered 201; consumed afterwards through n4: {acknowledged.Count - missing:N0}; missing: {missing}");
            return missing == 0;
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or DistSyncApiException or NodeUnreachableException or TaskCanceledException)
        {
            Console.Error.WriteLine($"queues: rebalance: {e.Message}");
            cluster.DumpLogs();
            return false;
        }
    }
}
