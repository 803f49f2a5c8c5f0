using System.Collections.Concurrent;
using System.Globalization;
using DistSync.Client.Contracts;
using Xunit.Abstractions;

namespace DistSync.Client.Tests;

/// <summary>
/// A watch across a crash: three real node processes; the node the watch streams from (the meta leader) is killed
/// with SIGKILL while writes go on through the others. The watch resumes on another node with Last-Event-ID and
/// yields every write exactly once, in commit order.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public class KvWatchKillProcessSpec(ITestOutputHelper log)
{
    private const int Writes = 60;
    private const int KillAfter = 20;

    [Fact]
    public async Task A_watch_whose_node_is_killed_resumes_on_another_and_sees_every_write_once_in_order()
    {
        using var cluster = await NodeProcessCluster.StartAsync(log);
        try
        {
            // 1. the watch streams from the meta leader; the writer starts at another node
            var leader = await cluster.WaitForLeaderAsync();
            using var watcher = cluster.Client(first: leader);
            using var writer = cluster.Client(first: (leader + 1) % NodeProcessCluster.Size);
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var watch = watcher.WatchAsync("w/");
            var reconnects = new ConcurrentQueue<KvWatchReconnect>();
            watch.OnReconnect = reconnects.Enqueue;
            var seen = new List<KvWatchEvent>();
            var reading = Task.Run(async () =>
            {
                await foreach (var change in watch.WithCancellation(patience.Token))
                {
                    lock (seen) seen.Add(change);
                    if (change.Key == Key(Writes - 1)) return;
                }
            });
            await watch.Started.WaitAsync(patience.Token);

            // 2. each key is created once; after the first writes the watch's node is killed, the writes go on
            var versions = new long[Writes];
            for (var i = 0; i < Writes; i++)
            {
                if (i == KillAfter) cluster.KillHard(leader);
                versions[i] = await KvWriteOnce.CreateAsync(writer, Key(i), i.ToString(CultureInfo.InvariantCulture), patience.Token);
            }

            // 3. the watch saw each write once, in order, with the version its create answered
            await reading.WaitAsync(patience.Token);
            Assert.Equal(Enumerable.Range(0, Writes).Select(Key), seen.Select(e => e.Key));
            Assert.Equal(versions, seen.Select(e => e.Version));
            Assert.All(seen, e => Assert.Equal("put", e.Type));
            for (var i = 1; i < Writes; i++) Assert.True(versions[i] > versions[i - 1], $"write {i} has version {versions[i]} after {versions[i - 1]}");

            // 4. and it did move: away from the killed node, resuming after an event it had yielded
            Assert.True(reconnects.TryPeek(out var first), "the watch never reconnected");
            Assert.Equal(cluster.Address(leader), first.Lost.Authority);
            log.WriteLine($"reconnects: {string.Join("; ", reconnects.Select(r => $"{r.Lost.Authority} -> {r.Next.Authority} after {r.LastEventId} ({r.Reason?.GetType().Name})"))}");
        }
        catch
        {
            cluster.DumpOutput();
            throw;
        }
    }

    private static string Key(int i) => $"w/{i:D3}";
}
