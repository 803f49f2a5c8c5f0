using DistSync.Client;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Sharding;
using Xunit.Abstractions;

namespace DistSync.Node.Tests.Cache;

/// <summary>
/// Three real node processes under write-back: writes held only in M lines (not yet in the KV) survive a graceful
/// stop of their node and a rolling stop of the whole cluster, because a stopping node writes its dirty lines back
/// while the meta group still has a majority.
/// </summary>
public class CacheRestartProcessSpec(ITestOutputHelper log)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Write_back_writes_held_in_M_lines_survive_a_graceful_stop_of_their_node_and_a_rolling_restart_of_every_node()
    {
        var dataRoot = Path.Combine(Path.GetTempPath(), "dsync-cache-restart-" + Guid.NewGuid().ToString("N"));
        var http = TestPorts.Free(3);
        var remote = TestPorts.Free(3);
        var founders = string.Join(",", remote.Select((p, i) => $"n{i + 1}@127.0.0.1:{p}"));
        var processes = new NodeProcess?[3];
        void Start(int i) => processes[i] = NodeProcess.StartMember($"n{i + 1}", http[i], remote[i], remote.Where((_, j) => j != i),
            Path.Combine(dataRoot, $"n{i + 1}"), founders, "dsync.http.request-timeout=3s");
        var clients = http.Select(p => new DistSyncClient($"127.0.0.1:{p}", TimeSpan.FromSeconds(10))).ToArray();
        try
        {
            // 1. three nodes; every node's cache takes a write
            for (var i = 0; i < 3; i++) Start(i);
            foreach (var c in clients) await Eventually.Until(() => c.CacheWriteAsync("probe", "x"), _ => true, Patience, "a cache write");

            // 2. n1 writes 10 keys homed on n2 or n3 (so no hand-off of n1's homes recalls them); n2 and n3 write 10
            //    each. Under write-back they live in their writer's M lines only.
            var ring = HashRing.Create(["n1", "n2", "n3"]);
            var fromN1 = Enumerable.Range(0, 1000).Select(i => $"restart/n1-{i}").Where(k => KeyHomes.HomeNodeOf(ring, k) != "n1").Take(10).ToList();
            foreach (var key in fromN1) await clients[0].CacheWriteAsync(key, "by-n1:" + key);
            for (var i = 0; i < 20; i++) await clients[1 + i % 2].CacheWriteAsync($"restart/k{i}", $"v{i}");
            Assert.Null(await clients[1].GetAsync(fromN1[0])); // not in the KV yet
            Assert.Null(await clients[0].GetAsync("restart/k1"));

            // 3. SIGTERM n1 alone: it writes its dirty lines back before it leaves, so n2 reads every one of them
            //    (without that, n1's homes elsewhere would drop it and fall back to the KV, which has nothing)
            processes[0]!.Terminate();
            Assert.True(processes[0]!.WaitForExit(TimeSpan.FromMinutes(1)), "n1 did not exit");
            foreach (var key in fromN1)
            {
                var read = await Eventually.Until(() => clients[1].CacheReadAsync(key), _ => true, Patience, key);
                Assert.Equal("by-n1:" + key, read?.Value);
            }
            Start(0);
            await Eventually.Until(() => clients[0].CacheWriteAsync("probe", "y"), _ => true, Patience, "n1 back");

            // 4. SIGTERM the nodes one at a time (n2, n3, then n1): each flushes its dirty lines on the way down while a
            //    majority still runs. (Stopping a majority at once is not covered: the last to flush may find no quorum;
            //    the README says so.)
            foreach (var i in new[] { 1, 2, 0 })
            {
                processes[i]!.Terminate();
                Assert.True(processes[i]!.WaitForExit(TimeSpan.FromMinutes(1)), $"n{i + 1} did not exit");
            }
            foreach (var p in processes) p!.Dispose();

            // 5. start again on the same data: every write is there, read through another node than its writer
            for (var i = 0; i < 3; i++) Start(i);
            for (var i = 0; i < 20; i++)
            {
                var key = $"restart/k{i}";
                var read = await Eventually.Until(() => clients[(i + 1) % 3].CacheReadAsync(key), r => r is not null, Patience, key);
                Assert.Equal($"v{i}", read!.Value);
            }
        }
        finally
        {
            foreach (var p in processes)
            {
                if (p is null) continue;
                log.WriteLine(p.Output.Length > 4000 ? p.Output[^4000..] : p.Output);
                p.Dispose();
            }
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
