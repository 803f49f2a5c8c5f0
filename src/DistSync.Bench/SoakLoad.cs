using System.Diagnostics;
using System.Globalization;
using DistSync.Client;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// bench soak's sustained load, the same for DistSync and etcd: closed-loop put clients round-robin over the members,
/// each put a new key <c>{run}/{client}/{seq}</c> with a 100-byte value, counted per time bucket; beside them, at the
/// same time, lock-cycle clients driven by <see cref="LockCycles"/> one bucket after the other (fresh sessions / leases
/// and resource names each bucket, so a 5-minute TTL never runs out under a long soak and a cycle broken mid-way in one
/// bucket cannot block the next). Every failure is counted; none ends the run.
/// </summary>
internal static class SoakLoad
{
    /// <summary>One bucket of lock cycles: <c>(resource prefix, duration)</c> to its closed-loop result.</summary>
    public delegate Task<ClosedLoopResult> LockBucket(string prefix, TimeSpan duration);

    /// <summary>
    /// What one run measured. Per bucket: its length, successful puts, lock cycles per second (NaN when the bucket's
    /// sessions could not be created) and the bucket's lock p99. Put latencies cover successes only; a timeout is a failure.
    /// </summary>
    public sealed record Result(
        double BucketSeconds,
        long[] PutsPerBucket,
        long[] PutErrorsPerBucket,
        double[] LockRatePerBucket,
        double[] LockP99PerBucket,
        long PutOps,
        long PutErrors,
        double PutP99,
        double PutMaxMs,
        long LockOps,
        long LockErrors,
        PhaseErrors PutFailures,
        PhaseErrors LockSetupFailures)
    {
        public double PutRate(int bucket) => PutsPerBucket[bucket] / BucketSeconds;

        /// <summary>The worst bucket's lock p99: LockCycles reports percentiles per run, which cannot be merged exactly.</summary>
        public double LockWorstP99
        {
            get
            {
                var worst = double.NaN;
                foreach (var p in LockP99PerBucket)
                {
                    if (!double.IsNaN(p) && (double.IsNaN(worst) || p > worst)) worst = p;
                }
                return worst;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="putClients"/> put clients and <paramref name="lockClients"/> lock-cycle clients together for
    /// <paramref name="total"/>, split into <paramref name="buckets"/> equal buckets; keys and resources are named after <paramref name="run"/>.
    /// </summary>
    public static async Task<Result> RunAsync(IKvLoadTarget target, int putClients, int lockClients, TimeSpan total, int buckets, LockBucket lockBucket, string run)
    {
        var bucketTicks = total.TotalSeconds * Stopwatch.Frequency / buckets;
        var value = new string('v', 100);
        var prefixes = new string[putClients];
        var buffers = new ResponseBuffer[putClients];
        var seq = new long[putClients];
        var maxMs = new double[putClients];
        // per worker and bucket, so the hot loop writes only its own slots
        var counts = new long[putClients * buckets];
        var putErrorsPerBucket = new long[buckets];
        var putFailures = new PhaseErrors();
        for (var w = 0; w < putClients; w++) (prefixes[w], buffers[w]) = ($"{run}/{w.ToString(CultureInfo.InvariantCulture)}/", new ResponseBuffer());

        var started = Stopwatch.GetTimestamp();
        int BucketNow() => Math.Min(buckets - 1, (int)((Stopwatch.GetTimestamp() - started) / bucketTicks));

        var locks = lockClients > 0 ? Task.Run(() => LocksAsync(lockBucket, lockClients, buckets, started, bucketTicks, run)) : null;
        var puts = await BenchSupport.DriveClosedLoopAsync(putClients, total, async w =>
        {
            var t0 = Stopwatch.GetTimestamp();
            var key = prefixes[w] + seq[w]++.ToString(CultureInfo.InvariantCulture); // a new key each put, also after a failure
            await target.PutAsync(w % target.Nodes, key, value, buffers[w], CancellationToken.None).ConfigureAwait(false);
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (ms > maxMs[w]) maxMs[w] = ms;
            counts[w * buckets + BucketNow()]++;
            return null;
        }, e =>
        {
            if (e is not (HttpRequestException or TaskCanceledException or InvalidDataException or IOException)) return false;
            putFailures.Add(e);
            Interlocked.Increment(ref putErrorsPerBucket[BucketNow()]);
            return true;
        });
        var (lockRates, lockP99s, lockOps, lockErrors, setupFailures) = locks is null
            ? (NaNs(buckets), NaNs(buckets), 0L, 0L, new PhaseErrors())
            : await locks;

        var perBucket = new long[buckets];
        var max = 0.0;
        for (var w = 0; w < putClients; w++)
        {
            for (var b = 0; b < buckets; b++) perBucket[b] += counts[w * buckets + b];
            max = Math.Max(max, maxMs[w]);
        }
        return new Result(total.TotalSeconds / buckets, perBucket, putErrorsPerBucket, lockRates, lockP99s,
            puts.Ops, puts.Errors, puts.P99, max, lockOps, lockErrors, putFailures, setupFailures);
    }

    /// <summary>
    /// The lock buckets one after the other, each ending on its bucket's boundary (so a slow session setup shortens
    /// that bucket's driven time instead of shifting the later ones off the put buckets).
    /// </summary>
    private static async Task<(double[] Rates, double[] P99s, long Ops, long Errors, PhaseErrors Setup)> LocksAsync(
        LockBucket lockBucket, int clients, int buckets, long started, double bucketTicks, string run)
    {
        var rates = NaNs(buckets);
        var p99s = NaNs(buckets);
        long ops = 0, errors = 0;
        var setup = new PhaseErrors();
        for (var b = 0; b < buckets; b++)
        {
            var end = started + (long)((b + 1) * bucketTicks);
            var left = end - Stopwatch.GetTimestamp();
            if (left <= 0) continue; // the previous bucket overran into this one (its setup hung); NaN says so
            try
            {
                var r = await lockBucket($"{run}-b{b.ToString(CultureInfo.InvariantCulture)}", TimeSpan.FromSeconds((double)left / Stopwatch.Frequency)).ConfigureAwait(false);
                (rates[b], p99s[b]) = (r.PerSecond, r.P99);
                ops += r.Ops;
                errors += r.Errors;
            }
            catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                // the sessions / leases of this bucket could not be created: one failed request, then wait out the bucket
                setup.Add(e);
                errors++;
                var wait = end - Stopwatch.GetTimestamp();
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency)).ConfigureAwait(false);
            }
        }
        return (rates, p99s, ops, errors, setup);
    }

    private static double[] NaNs(int n)
    {
        var a = new double[n];
        Array.Fill(a, double.NaN);
        return a;
    }
}
