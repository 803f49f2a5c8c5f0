using System.Globalization;
using RabbitMQ.Client.Exceptions;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;
using EndToEndResult = DistSync.Bench.BenchSupport.EndToEndResult;

namespace DistSync.Bench;

/// <summary>
/// bench queues' same-run RabbitMQ reference: after DistSync's cluster has stopped (so the two never share the
/// machine's two cores), starts the bench's own RabbitMQ cluster (<see cref="RabbitCluster"/>), runs phases (a) and
/// (b) against a 3-replica quorum queue (<see cref="RabbitQueueLoad"/>) at the same client counts and window, and
/// prints RabbitMQ's rows and then both systems side by side with the ratio DistSync / RabbitMQ.
/// </summary>
internal static class RabbitQueueComparison
{
    /// <summary>Runs the comparison; false (after printing why and the nodes' logs) if RabbitMQ failed.</summary>
    public static async Task<bool> RunAsync(string bin, string dir, IReadOnlyList<int> clientCounts, double seconds,
        IReadOnlyList<ClosedLoopResult> ourProduce, IReadOnlyList<EndToEndResult> ourEndToEnd)
    {
        Console.WriteLine();
        Console.WriteLine($"RabbitMQ: starting its own nodes from {bin} (data, logs, cookie and epmd under {dir}) ...");
        using var cluster = new RabbitCluster(bin, dir);
        try
        {
            var (load, shape) = await OpenAsync(cluster, TimeSpan.FromSeconds(Math.Min(3, seconds)));
            await using var _ = load;

            Console.WriteLine();
            Console.WriteLine($"RabbitMQ (a) confirmed produce: closed-loop producers round-robin over the {cluster.Size} node(s), persistent messages; " +
                              "latency = until the publisher confirm");
            BenchSupport.PrintHeader("msg/s", 10);
            var produce = new List<ClosedLoopResult>();
            foreach (var c in clientCounts)
            {
                var row = await load.ProduceRunAsync(c, TimeSpan.FromSeconds(seconds));
                produce.Add(row);
                BenchSupport.PrintRow(row, 10);
                PrintFirstError(load);
            }

            Console.WriteLine();
            Console.WriteLine("RabbitMQ (b) end to end: N confirmed producers + N consumers (manual ack, prefetch 32, one multiple-ack per batch " +
                              "of what has arrived); msg/s acked; latency = sent -> ack written (AMQP acks have no reply)");
            BenchSupport.PrintEndToEndHeader();
            var endToEnd = new List<EndToEndResult>();
            long drained = 0;
            foreach (var c in clientCounts)
            {
                drained += await load.DrainAsync();
                var row = await load.EndToEndRunAsync(c, TimeSpan.FromSeconds(seconds));
                endToEnd.Add(row);
                BenchSupport.PrintEndToEndRow(row);
                PrintFirstError(load);
            }
            Console.WriteLine($"{"",8} (before the runs, {drained:N0} messages left by earlier runs were purged; N = producers = consumers)");

            Console.WriteLine($"{"",8} load average after RabbitMQ's runs: {BenchSupport.LoadAverage()}");
            PrintSideBySide(load.ServerVersion, shape, clientCounts, ourProduce, ourEndToEnd, produce, endToEnd);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or RabbitMQClientException or OperationInterruptedException or IOException)
        {
            Console.Error.WriteLine($"RabbitMQ comparison failed: {e.GetType().Name}: {e.Message}");
            cluster.DumpLogs(20);
            return false;
        }
    }

    /// <summary>
    /// bench compare's RabbitMQ queue rows: end to end (confirmed produce + consume + ack) on the quorum queue at each
    /// client count; null (after printing why and the logs) if RabbitMQ failed.
    /// </summary>
    public static async Task<List<EndToEndResult>?> EndToEndRowsAsync(string bin, string dir, IReadOnlyList<int> clientCounts, TimeSpan warm, TimeSpan window)
    {
        Console.WriteLine($"RabbitMQ: starting its own nodes from {bin} (data, logs, cookie and epmd under {dir}) ...");
        using var cluster = new RabbitCluster(bin, dir);
        try
        {
            var (load, _) = await OpenAsync(cluster, warm);
            await using var __ = load;
            var rows = new List<EndToEndResult>();
            foreach (var c in clientCounts)
            {
                await load.DrainAsync();
                rows.Add(await load.EndToEndRunAsync(c, window));
                PrintFirstError(load);
            }
            return rows;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or RabbitMQClientException or OperationInterruptedException or IOException)
        {
            Console.Error.WriteLine($"RabbitMQ comparison failed: {e.GetType().Name}: {e.Message}");
            cluster.DumpLogs(20);
            return null;
        }
    }

    /// <summary>Starts the nodes, connects, declares the quorum queue, prints the setup and warms up (connections, the queue's WAL and segments).</summary>
    private static async Task<(RabbitQueueLoad Load, string Shape)> OpenAsync(RabbitCluster cluster, TimeSpan warm)
    {
        await cluster.StartAsync();
        var load = await RabbitQueueLoad.ConnectAsync(cluster.AmqpPorts);
        try
        {
            await load.DeclareQueueAsync(cluster.Size);
            var shape = cluster.Size == 3 ? "3-node cluster, quorum queue of 3 replicas" : "1 node only, quorum queue of 1 replica";
            Console.WriteLine($"RabbitMQ {load.ServerVersion}: {shape}; running nodes {await cluster.RunningNodesAsync()}; " +
                              $"load average {BenchSupport.LoadAverage()}");
            if (cluster.FallbackReason is { } why) Console.WriteLine($"  NOT like-for-like: {why}");
            Console.WriteLine($"  queue (name type leader members): {await cluster.DescribeQueueAsync("bench")}");
            await load.ProduceRunAsync(16, warm);
            await load.DrainAsync();
            await load.EndToEndRunAsync(16, warm);
            load.TakeFirstError();
            return (load, shape);
        }
        catch
        {
            await load.DisposeAsync(); // the caller only owns it once returned
            throw;
        }
    }

    private static void PrintFirstError(RabbitQueueLoad load)
    {
        if (load.TakeFirstError() is { } error) Console.WriteLine($"{"",8} first error: {error}");
    }

    /// <summary>Both systems' (a) and (b) rows per client count; ratio = DistSync / RabbitMQ (above 1: DistSync faster, or slower for p99).</summary>
    private static void PrintSideBySide(string version, string shape, IReadOnlyList<int> clientCounts,
        IReadOnlyList<ClosedLoopResult> ourProduce, IReadOnlyList<EndToEndResult> ourEndToEnd,
        IReadOnlyList<ClosedLoopResult> theirProduce, IReadOnlyList<EndToEndResult> theirEndToEnd)
    {
        Console.WriteLine();
        Console.WriteLine($"DistSync (3 nodes, 8 partitions x 3 replicas, sqlite fsync) vs RabbitMQ {version} ({shape}), same run, one after the other;");
        Console.WriteLine("ratio = DistSync / RabbitMQ (msg/s: above 1 DistSync is faster; p99: above 1 DistSync is slower)");
        Console.WriteLine($"{"phase",-10} {"clients",7} | {"DS msg/s",9} {"p50 ms",7} {"p99 ms",7} | {"RMQ msg/s",9} {"p50 ms",7} {"p99 ms",7} | {"msg/s",6} {"p99",6}");
        foreach (var c in clientCounts)
        {
            var ours = ourProduce.FirstOrDefault(r => r.Clients == c);
            var theirs = theirProduce.FirstOrDefault(r => r.Clients == c);
            PrintPair("produce", c, ours?.PerSecond, ours?.P50, ours?.P99, theirs?.PerSecond, theirs?.P50, theirs?.P99);
        }
        foreach (var c in clientCounts)
        {
            var ours = ourEndToEnd.FirstOrDefault(r => r.Clients == c);
            var theirs = theirEndToEnd.FirstOrDefault(r => r.Clients == c);
            PrintPair("end-to-end", c, ours?.AckedPerSecond, ours?.P50, ours?.P99, theirs?.AckedPerSecond, theirs?.P50, theirs?.P99);
        }
    }

    private static void PrintPair(string phase, int clients, double? rate, double? p50, double? p99, double? theirRate, double? theirP50, double? theirP99)
    {
        Console.WriteLine($"{phase,-10} {clients,7} | {Rate(rate),9} {Ms(p50),7} {Ms(p99),7} | {Rate(theirRate),9} {Ms(theirP50),7} {Ms(theirP99),7} | " +
                          $"{Ratio(rate, theirRate),6} {Ratio(p99, theirP99),6}");
    }

    private static string Rate(double? v) => v is { } x ? x.ToString("N0", CultureInfo.CurrentCulture) : "-";

    private static string Ms(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string Ratio(double? ours, double? theirs) =>
        ours is { } a && theirs is { } b && b > 0 && !double.IsNaN(a) && !double.IsNaN(b) ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : "-";
}
