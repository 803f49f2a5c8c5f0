using System.Diagnostics;
using System.Globalization;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// bench kv's range, watch and txn phases, driven the same way against DistSync and etcd (<see cref="IKvLoadTarget"/>):
/// closed-loop clients round-robin over the nodes for range and txn, one writer and many watchers for watch. Each
/// phase prints its rows as it goes and stores them in a <see cref="KvResults"/>.
/// </summary>
internal static class KvPhases
{
    public const int RangeKeys = 1000;
    public const int RangeValueBytes = 16;
    private const string RangePrefix = "range/";

    /// <summary>The phases that <see cref="RunAsync"/> runs, as selected by <c>--phases</c>.</summary>
    public sealed record Selection(bool Range, bool Watch, bool Txn);

    /// <summary>The shape of the run: client counts, window, warm-up and the watch phase's size and write rate.</summary>
    public sealed record Shape(IReadOnlyList<int> ClientCounts, TimeSpan Window, TimeSpan WarmUp, int Watchers, double WatchRate);

    /// <summary>Preloads the range prefix, then runs the selected phases against <paramref name="target"/>.</summary>
    public static async Task RunAsync(IKvLoadTarget target, Selection phases, Shape shape, KvResults results)
    {
        if (phases.Range) await GuardedAsync(target.Name, "range", () => RangePhaseAsync(target, shape, results));
        if (phases.Watch) await GuardedAsync(target.Name, "watch", () => WatchPhaseAsync(target, shape, results));
        if (phases.Txn) await GuardedAsync(target.Name, "txn", () => TxnPhaseAsync(target, shape, results));
    }

    /// <summary>Runs one phase; a failure outside the measured loops (preload, warm-up) ends that phase only, so the others and etcd still run.</summary>
    private static async Task GuardedAsync(string name, string phase, Func<Task> run)
    {
        try
        {
            await run();
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or TimeoutException or TaskCanceledException or System.Text.Json.JsonException)
        {
            Console.WriteLine($"{name} {phase} phase failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task RangePhaseAsync(IKvLoadTarget target, Shape shape, KvResults results)
    {
        var name = target.Name;
        await PreloadAsync(target);
        Console.WriteLine();
        Console.WriteLine($"{name} range: GET {RangeKeys:N0} keys of {RangeValueBytes} bytes under one prefix, linearizable, one page " +
                          "(DistSync GET /kv?prefix=&limit=1000; etcd /v3/kv/range with range_end); clients round-robin over the nodes");
        var warmErrors = new PhaseErrors();
        SkipUnlessAnySucceeded(await RangeRunAsync(target, 16, shape.WarmUp, warmErrors), warmErrors);
        BenchSupport.PrintHeader("ranges/s", 10);
        foreach (var c in shape.ClientCounts)
        {
            var errors = new PhaseErrors();
            var row = await RangeRunAsync(target, c, shape.Window, errors);
            results.Range.Add(row);
            BenchSupport.PrintRow(row, 10);
            errors.Print();
        }
    }

    private static async Task WatchPhaseAsync(IKvLoadTarget target, Shape shape, KvResults results)
    {
        var name = target.Name;
        Console.WriteLine();
        Console.WriteLine($"{name} watch: {shape.Watchers} watchers of one key (DistSync GET /kv/watch SSE; etcd /v3/watch stream) on the nodes " +
                          $"other than the writer's (node 1), one writer putting {shape.WatchRate:0.#}/s; latency = put sent -> event read, over every delivery");
        var errors = new PhaseErrors();
        var row = await WatchRunAsync(target, shape, errors);
        results.Watch = row;
        Console.WriteLine($"{"watchers",8} {"events/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"puts",7} {"missed",7} {"dupl.",7} {"reorder",7}");
        Console.WriteLine($"{row.Watchers,8} {row.PerSecond.ToString("N0", CultureInfo.CurrentCulture),10} {row.P50,8:0.00} {row.P95,8:0.00} {row.P99,8:0.00} " +
                          $"{row.Puts,7} {row.Missed,7} {row.Duplicates,7} {row.Reordered,7}");
        errors.Print();
    }

    private static async Task TxnPhaseAsync(IKvLoadTarget target, Shape shape, KvResults results)
    {
        var name = target.Name;
        Console.WriteLine();
        Console.WriteLine($"{name} txn: each client compare-and-swaps its own key (compare its version == the last one it wrote, put on success, " +
                          "get on failure); clients round-robin over the nodes");
        var warmErrors = new PhaseErrors();
        SkipUnlessAnySucceeded(await TxnRunAsync(target, 16, shape.WarmUp, "warm", warmErrors), warmErrors);
        BenchSupport.PrintHeader("txn/s", 10);
        foreach (var c in shape.ClientCounts)
        {
            var errors = new PhaseErrors();
            var row = await TxnRunAsync(target, c, shape.Window, $"c{c}", errors);
            results.Txn.Add(row);
            BenchSupport.PrintRow(row, 10);
            errors.Print();
        }
    }

    /// <summary>Ends a phase whose warm-up had no success: the measured runs would only spin on the same failure.</summary>
    private static void SkipUnlessAnySucceeded(ClosedLoopResult warmUp, PhaseErrors errors)
    {
        if (warmUp.Ops == 0) throw new InvalidDataException($"no request of the warm-up succeeded ({warmUp.Errors:N0} failed; {errors.First()})");
    }

    /// <summary>Puts the <see cref="RangeKeys"/> keys of the range phase, 16 at a time over the nodes.</summary>
    private static async Task PreloadAsync(IKvLoadTarget target)
    {
        var next = -1;
        var workers = new Task[16];
        for (var w = 0; w < workers.Length; w++)
        {
            var worker = w;
            workers[w] = Task.Run(async () =>
            {
                var buffer = new ResponseBuffer();
                int i;
                while ((i = Interlocked.Increment(ref next)) < RangeKeys)
                {
                    var key = RangePrefix + i.ToString("D4", CultureInfo.InvariantCulture);
                    await target.PutAsync(worker % target.Nodes, key, i.ToString("D16", CultureInfo.InvariantCulture), buffer, CancellationToken.None);
                }
            });
        }
        await Task.WhenAll(workers);
    }

    private static Task<ClosedLoopResult> RangeRunAsync(IKvLoadTarget target, int clients, TimeSpan duration, PhaseErrors errors)
    {
        var buffers = NewBuffers(clients);
        return BenchSupport.DriveClosedLoopAsync(clients, duration, async worker =>
        {
            var n = await target.RangeAsync(worker % target.Nodes, RangePrefix, RangeKeys, buffers[worker], CancellationToken.None).ConfigureAwait(false);
            if (n != RangeKeys) throw new InvalidDataException($"range {RangePrefix} limit {RangeKeys} on node {worker % target.Nodes + 1}: {n} keys; answer {buffers[worker].Text()}");
            return null;
        }, e => Counted(e, errors));
    }

    /// <summary>
    /// Closed-loop CAS on per-client keys (fresh for each <paramref name="run"/>, so each starts absent at version 0).
    /// A failed compare is counted as an error (no one else writes the key) but carries the current version, so a
    /// client whose earlier txn timed out after committing recovers on its next try.
    /// </summary>
    private static Task<ClosedLoopResult> TxnRunAsync(IKvLoadTarget target, int clients, TimeSpan duration, string run, PhaseErrors errors)
    {
        var buffers = NewBuffers(clients);
        var keys = new string[clients];
        var expected = new long[clients];
        var value = new string('t', RangeValueBytes);
        var prefix = "txn/" + Guid.NewGuid().ToString("N")[..6] + "-" + run + "-";
        for (var w = 0; w < clients; w++) keys[w] = prefix + w.ToString(CultureInfo.InvariantCulture);
        return BenchSupport.DriveClosedLoopAsync(clients, duration, async worker =>
        {
            var (ok, version) = await target.CompareAndSwapAsync(worker % target.Nodes, keys[worker], expected[worker], value, buffers[worker], CancellationToken.None)
                .ConfigureAwait(false);
            var was = expected[worker];
            expected[worker] = version;
            if (!ok) throw new InvalidDataException($"txn on {keys[worker]} via node {worker % target.Nodes + 1}: compare version == {was} failed, current version {version}");
            return null;
        }, e => Counted(e, errors));
    }

    /// <summary>
    /// Opens the watchers (on nodes 2..n round-robin, the writer writes through node 1), waits until all are registered,
    /// then puts the sequence numbers 0, 1, ... to the key at the shape's rate for warm-up + window. Latencies count only
    /// puts sent after the warm-up. Each watcher must see every sequence number exactly once and in order; gaps,
    /// repeats and reorderings are counted and the first of each reported.
    /// </summary>
    private static async Task<KvWatchResult> WatchRunAsync(IKvLoadTarget target, Shape shape, PhaseErrors errors)
    {
        var watchers = shape.Watchers;
        var key = "watch/" + Guid.NewGuid().ToString("N")[..8];
        var total = shape.WarmUp + shape.Window;
        var sent = new long[(int)(shape.WatchRate * total.TotalSeconds * 1.5) + 64];
        var measuredFrom = int.MaxValue; // the first sequence number sent after the warm-up
        var latencies = new List<double>[watchers];
        var last = new long[watchers];
        var received = new long[watchers];
        long duplicates = 0, reordered = 0;
        var created = 0;
        var allCreated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var streams = new Task[watchers];
        for (var i = 0; i < watchers; i++)
        {
            var w = i;
            var node = target.Nodes > 1 ? 1 + w % (target.Nodes - 1) : 0;
            latencies[w] = new List<double>(sent.Length);
            last[w] = -1;
            streams[w] = Task.Run(async () =>
            {
                try
                {
                    await target.WatchAsync(node, key, () =>
                    {
                        if (Interlocked.Increment(ref created) == watchers) allCreated.TrySetResult();
                    }, (value, at) =>
                    {
                        var seq = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                        if (seq <= last[w])
                        {
                            if (seq == last[w]) Interlocked.Increment(ref duplicates);
                            else Interlocked.Increment(ref reordered);
                            errors.Add(seq == last[w] ? "duplicate" : "reordered", $"watcher {w} on node {node + 1}: put #{seq} after #{last[w]}");
                            return;
                        }
                        if (seq != last[w] + 1) errors.Add("gap", $"watcher {w} on node {node + 1}: put #{seq} right after #{last[w]}");
                        last[w] = seq;
                        received[w]++;
                        if (seq >= Volatile.Read(ref measuredFrom))
                            latencies[w].Add((at - Volatile.Read(ref sent[seq])) * 1000.0 / Stopwatch.Frequency);
                    }, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // the end of the phase
                }
                catch (Exception e) when (e is HttpRequestException or InvalidDataException or IOException or System.Text.Json.JsonException or FormatException)
                {
                    errors.Add($"watch failed ({e.GetType().Name})", e.Message);
                    allCreated.TrySetResult(); // do not wait for a stream that is gone
                }
            });
        }
        if (await Task.WhenAny(allCreated.Task, Task.Delay(TimeSpan.FromSeconds(60))) != allCreated.Task)
            errors.Add("watch setup", $"only {Volatile.Read(ref created)} of {watchers} watches were created within 60 s");
        if (Volatile.Read(ref created) == 0)
        {
            await stop.CancelAsync();
            await Task.WhenAll(streams);
            throw new InvalidDataException($"no watch could be created ({errors.First()})");
        }

        var buffer = new ResponseBuffer();
        var interval = TimeSpan.FromSeconds(1 / shape.WatchRate);
        var started = Stopwatch.GetTimestamp();
        var puts = 0;
        while (puts < sent.Length && Stopwatch.GetElapsedTime(started) < total)
        {
            if (measuredFrom == int.MaxValue && Stopwatch.GetElapsedTime(started) >= shape.WarmUp) Volatile.Write(ref measuredFrom, puts);
            Volatile.Write(ref sent[puts], Stopwatch.GetTimestamp());
            try
            {
                await target.PutAsync(0, key, puts.ToString("D16", CultureInfo.InvariantCulture), buffer, CancellationToken.None);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                errors.Add($"put failed ({e.GetType().Name})", e.Message);
            }
            puts++;
            // a fixed schedule, not a fixed pause after each put: a slow put delays only itself, the ones that fell due
            // meanwhile follow at once, so the rate holds
            var due = started + (long)(puts * interval.TotalSeconds * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
        }
        var measuredPuts = measuredFrom == int.MaxValue ? 0 : puts - measuredFrom;
        // the measured window: from the first measured put's send to one interval after the last one's, so that both
        // systems' events/s are comparable (the loop's own end may run a little late under load)
        var window = measuredPuts == 0 ? 0 : (double)(sent[puts - 1] - sent[measuredFrom]) / Stopwatch.Frequency + interval.TotalSeconds;

        // the last puts' events are still on their way: wait until every watcher has the last one (or 5 s)
        var grace = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(grace) < TimeSpan.FromSeconds(5) && !AllReached(last, puts - 1)) await Task.Delay(20);
        await stop.CancelAsync();
        await Task.WhenAll(streams);

        long missed = 0;
        for (var w = 0; w < watchers; w++)
        {
            missed += puts - received[w];
            if (last[w] < puts - 1) errors.Add("missed at the end", $"watcher {w}: last put seen #{last[w]} of #0..#{puts - 1}");
        }
        var all = new double[latencies.Sum(l => l.Count)];
        var at = 0;
        foreach (var l in latencies)
        {
            l.CopyTo(all, at);
            at += l.Count;
        }
        Array.Sort(all);
        return new KvWatchResult(watchers, measuredPuts, all.Length, Math.Max(window, 0.001), missed, duplicates, reordered,
            BenchSupport.Percentile(all, 0.50), BenchSupport.Percentile(all, 0.95), BenchSupport.Percentile(all, 0.99));
    }

    private static bool AllReached(long[] last, long seq)
    {
        for (var i = 0; i < last.Length; i++)
        {
            if (Volatile.Read(ref last[i]) < seq) return false;
        }
        return true;
    }

    private static ResponseBuffer[] NewBuffers(int clients)
    {
        var buffers = new ResponseBuffer[clients];
        for (var w = 0; w < clients; w++) buffers[w] = new ResponseBuffer();
        return buffers;
    }

    /// <summary>Whether a worker's exception is a counted failure (recorded in <paramref name="errors"/>) rather than a bug of the bench.</summary>
    private static bool Counted(Exception e, PhaseErrors errors)
    {
        if (e is not (HttpRequestException or TaskCanceledException or InvalidDataException or IOException or System.Text.Json.JsonException)) return false;
        errors.Add(e);
        return true;
    }
}
