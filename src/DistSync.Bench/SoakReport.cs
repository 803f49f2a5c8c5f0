using System.Globalization;
using System.Text;

namespace DistSync.Bench;

/// <summary>
/// bench soak's figures per system, side by side (DistSync, etcd): one table printed and the same rows written to a
/// CSV, then the issue's targets (no leader change, no failed request, last bucket's throughput at least 90 % of the
/// first's, DistSync's bytes per key at most etcd's). A system that did not run, or a figure that could not be read,
/// shows "-" and fails its target rather than passing it.
/// </summary>
internal static class SoakReport
{
    private const double MinThroughputKept = 0.9;

    /// <summary>One system's soak: the load's result, the warm-up's successful puts, and what the probes read before and after.</summary>
    public sealed record SystemResult(
        string Name,
        string MemberPrefix,
        SoakLoad.Result Load,
        long WarmUpKeys,
        double? LeaderChanges,
        double? TermDelta,
        long?[] RssStart,
        long?[] RssEnd,
        long?[] DataBytes)
    {
        /// <summary>Keys the store holds: every successful put wrote a new key, warm-up included.</summary>
        public long KeysWritten => WarmUpKeys + Load.PutOps;

        public long Failed => Load.PutErrors + Load.LockErrors;

        public long? MaxRssEnd => Max(RssEnd);

        /// <summary>The largest member's RSS at the end over the keys written (every member holds every key).</summary>
        public double? BytesPerKey => MaxRssEnd is { } rss && KeysWritten > 0 ? (double)rss / KeysWritten : null;

        /// <summary>The largest member's RSS growth during the measured soak over the keys it wrote: the runtime's base excluded.</summary>
        public double? GrowthPerKey
        {
            get
            {
                double? max = null;
                for (var i = 0; i < RssEnd.Length; i++)
                {
                    if (RssStart[i] is { } s && RssEnd[i] is { } e && (max is null || e - s > max)) max = e - s;
                }
                return max is { } m && Load.PutOps > 0 ? m / Load.PutOps : null;
            }
        }

        public double? PutLastOverFirst => Ratio(Load.PutRate(Load.PutsPerBucket.Length - 1), Load.PutRate(0));

        public double? LockLastOverFirst => Ratio(Load.LockRatePerBucket[^1], Load.LockRatePerBucket[0]);

        private static double? Ratio(double last, double first) => first > 0 && !double.IsNaN(last) ? last / first : null;

        private static long? Max(long?[] values)
        {
            long? max = null;
            foreach (var v in values)
            {
                if (v is { } x && (max is null || x > max)) max = x;
            }
            return max;
        }
    }

    private sealed record Row(string Label, Func<SystemResult, string> Cell);

    public static void Print(SystemResult? ours, SystemResult? theirs, int buckets, string bucketName)
    {
        var rows = Rows(buckets, bucketName);
        Console.WriteLine();
        Console.WriteLine($"{"soak",-40} | {"DistSync",16} | {"etcd",16}");
        foreach (var r in rows) Console.WriteLine($"{r.Label,-40} | {CellOf(r, ours),16} | {CellOf(r, theirs),16}");
    }

    public static void WriteCsv(string path, SystemResult? ours, SystemResult? theirs, int buckets, string bucketName, IReadOnlyList<(string Key, string Value)> settings)
    {
        var csv = new StringBuilder();
        csv.AppendLine("metric,distsync,etcd");
        foreach (var (key, value) in settings) csv.AppendLine($"{key},{value},{value}");
        foreach (var r in Rows(buckets, bucketName)) csv.AppendLine($"{r.Label},{CellOf(r, ours)},{CellOf(r, theirs)}");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, csv.ToString());
    }

    /// <summary>Prints each target with DistSync's verdict and etcd's figure beside it; true when all hold for DistSync.</summary>
    public static bool PrintTargets(SystemResult? ours, SystemResult? theirs)
    {
        Console.WriteLine();
        Console.WriteLine("issue 17 targets (DistSync; etcd's figure for reference):");
        var all = true;
        all &= Target("0 leader changes", ours?.LeaderChanges is 0.0, Num(ours?.LeaderChanges, "0"), Num(theirs?.LeaderChanges, "0"));
        all &= Target("0 failed requests", ours?.Failed == 0, ours?.Failed.ToString(CultureInfo.InvariantCulture) ?? "-",
            theirs?.Failed.ToString(CultureInfo.InvariantCulture) ?? "-");
        all &= Target($"put throughput last/first >= {MinThroughputKept:0.00}", ours?.PutLastOverFirst >= MinThroughputKept,
            Num(ours?.PutLastOverFirst, "0.000"), Num(theirs?.PutLastOverFirst, "0.000"));
        all &= Target($"lock throughput last/first >= {MinThroughputKept:0.00}", ours?.LockLastOverFirst >= MinThroughputKept,
            Num(ours?.LockLastOverFirst, "0.000"), Num(theirs?.LockLastOverFirst, "0.000"));
        // with etcd skipped or unreadable there is nothing to hold DistSync against: not met
        all &= Target("bytes per key <= etcd's", ours?.BytesPerKey is { } a && theirs?.BytesPerKey is { } b && a <= b,
            Num(ours?.BytesPerKey, "0"), Num(theirs?.BytesPerKey, "0"));
        Console.WriteLine(all ? "all targets hold" : "some targets do not hold (see above)");
        return all;
    }

    private static bool Target(string name, bool holds, string ours, string theirs)
    {
        Console.WriteLine($"  {name,-40} {(holds ? "holds" : "NOT MET"),-8} DistSync {ours,-12} etcd {theirs}");
        return holds;
    }

    private static string CellOf(Row r, SystemResult? s) => s is null ? "-" : r.Cell(s);

    private static List<Row> Rows(int buckets, string bucketName)
    {
        var rows = new List<Row>();
        for (var b = 0; b < buckets; b++)
        {
            var bucket = b;
            rows.Add(new Row($"put/s {bucketName} {b + 1}", s => Num(s.Load.PutRate(bucket), "0")));
        }
        for (var b = 0; b < buckets; b++)
        {
            var bucket = b;
            rows.Add(new Row($"lock cycles/s {bucketName} {b + 1}", s => Num(s.Load.LockRatePerBucket[bucket], "0")));
        }
        rows.Add(new Row($"put/s last/first {bucketName}", s => Num(s.PutLastOverFirst, "0.000")));
        rows.Add(new Row($"lock/s last/first {bucketName}", s => Num(s.LockLastOverFirst, "0.000")));
        rows.Add(new Row("keys written (puts ok, warm-up incl.)", s => Int(s.KeysWritten)));
        rows.Add(new Row("failed requests", s => Int(s.Failed)));
        rows.Add(new Row("  failed puts", s => Int(s.Load.PutErrors)));
        rows.Add(new Row("  failed lock cycles (+ setups)", s => Int(s.Load.LockErrors)));
        rows.Add(new Row("leader changes (metrics; max member)", s => Num(s.LeaderChanges, "0")));
        rows.Add(new Row("raft term change (max member)", s => Num(s.TermDelta, "0")));
        rows.Add(new Row("put p99 ms", s => Num(s.Load.PutP99, "0.00")));
        rows.Add(new Row("put max ms", s => Num(s.Load.PutMaxMs, "0.00")));
        rows.Add(new Row($"lock cycle p99 ms (worst {bucketName})", s => Num(s.Load.LockWorstP99, "0.00")));
        for (var i = 0; i < 3; i++)
        {
            var member = i;
            rows.Add(new Row($"RSS MB at end, member {i + 1}", s => Mb(s.RssEnd[member])));
        }
        rows.Add(new Row("bytes/key (max RSS / keys)", s => Num(s.BytesPerKey, "0")));
        rows.Add(new Row("RSS growth during soak / key", s => Num(s.GrowthPerKey, "0")));
        for (var i = 0; i < 3; i++)
        {
            var member = i;
            rows.Add(new Row($"data dir MB at end, member {i + 1}", s => Mb(s.DataBytes[member])));
        }
        return rows;
    }

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Mb(long? bytes) => bytes is { } b ? (b / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static string Num(double? v, string format) => v is { } x && !double.IsNaN(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
}
