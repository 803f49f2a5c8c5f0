using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace DistSync.Persistence.Diagnostics;

/// <summary>
/// TEMPORARY latency probe for issue 12: named hop durations (Stopwatch ticks, machine-wide monotonic on Linux, so
/// timestamps compare across the node processes of one machine). Off unless <c>DSYNC_HOP_TRACE</c> names a directory;
/// then every 2 s each process appends to <c>hops-{pid}.txt</c> there the hops of those 2 s (count, mean, p50, p90, p99).
/// </summary>
public static class HopTrace
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("DSYNC_HOP_TRACE") is { Length: > 0 };

    private static readonly ConcurrentDictionary<string, ConcurrentQueue<double>> Hops = new(StringComparer.Ordinal);
    private static readonly Timer? Dump = Enabled ? new Timer(_ => Write(), null, 2000, 2000) : null;

    public static long Now() => Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void Record(string hop, long startedAt)
    {
        if (!Enabled || startedAt == 0) return;
        Add(hop, Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);
    }

    public static void Add(string hop, double ms)
    {
        if (!Enabled) return;
        GC.KeepAlive(Dump);
        Hops.GetOrAdd(hop, _ => new ConcurrentQueue<double>()).Enqueue(ms);
    }

    private static void Write()
    {
        var sb = new StringBuilder();
        sb.AppendLine("== " + DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        foreach (var (name, q) in Hops.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var list = new List<double>();
            while (q.TryDequeue(out var v)) list.Add(v);
            var a = list.ToArray();
            Array.Sort(a);
            if (a.Length == 0) continue;
            sb.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-40} n={1,7} mean={2,8:0.000} p50={3,8:0.000} p90={4,8:0.000} p99={5,8:0.000}",
                name, a.Length, a.Average(), a[a.Length / 2], a[(int)(a.Length * 0.9)], a[(int)(a.Length * 0.99)]));
        }
        try
        {
            File.AppendAllText(Path.Combine(Environment.GetEnvironmentVariable("DSYNC_HOP_TRACE")!, $"hops-{Environment.ProcessId}.txt"), sb.ToString());
        }
        catch (IOException)
        {
        }
    }
}
