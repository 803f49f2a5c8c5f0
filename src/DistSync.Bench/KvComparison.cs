using System.Globalization;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// bench kv's closing table: DistSync's and etcd's rows of every phase side by side with the ratio DistSync / etcd,
/// then the issue-16 targets against etcd: watch p99 no higher than etcd's, range and txn throughput no lower.
/// </summary>
internal static class KvComparison
{
    public static void Print(KvResults ours, KvResults etcd, string etcdVersion)
    {
        Console.WriteLine();
        Console.WriteLine($"DistSync (3 node processes, sqlite journal synchronous=FULL) vs etcd {etcdVersion} (3 members, default settings, WAL fsync), " +
                          "same run, one after the other, same shapes and client counts;");
        Console.WriteLine("etcd is measured through its JSON gateway (HTTP/1.1 + JSON, like DistSync's API), not through its native gRPC clients");
        Console.WriteLine("ratio = DistSync / etcd (rate: above 1 DistSync is faster; p99: above 1 DistSync is slower); watch rate = events delivered/s over all watchers");
        Console.WriteLine($"{"phase",-6} {"clients",7} | {"DS rate",9} {"p50 ms",7} {"p99 ms",7} | {"etcd rate",9} {"p50 ms",7} {"p99 ms",7} | {"rate",6} {"p99",6}");
        Rows("put", ours.Put, etcd.Put);
        Rows("range", ours.Range, etcd.Range);
        if (ours.Watch is not null || etcd.Watch is not null)
        {
            var (a, b) = (ours.Watch, etcd.Watch);
            PrintPair("watch", a?.Watchers ?? b!.Watchers, a?.PerSecond, a?.P50, a?.P99, b?.PerSecond, b?.P50, b?.P99);
        }
        Rows("txn", ours.Txn, etcd.Txn);

        Console.WriteLine();
        if (ours.Watch is { } w && etcd.Watch is { } ew && !double.IsNaN(w.P99) && !double.IsNaN(ew.P99))
            Console.WriteLine($"target: watch p99 <= etcd's: {w.P99:0.00} ms vs {ew.P99:0.00} ms ({(w.P99 <= ew.P99 ? "met" : "NOT met")})" +
                              (w.Missed + w.Duplicates + w.Reordered > 0 ? $"; DistSync watch errors: {w.Missed} missed, {w.Duplicates} duplicated, {w.Reordered} reordered" : ""));
        Throughput("range ranges/s", ours.Range, etcd.Range);
        Throughput("txn txn/s", ours.Txn, etcd.Txn);
    }

    private static void Rows(string phase, List<ClosedLoopResult> ours, List<ClosedLoopResult> theirs)
    {
        foreach (var c in ClientCounts(ours, theirs))
        {
            var a = Find(ours, c);
            var b = Find(theirs, c);
            PrintPair(phase, c, a?.PerSecond, a?.P50, a?.P99, b?.PerSecond, b?.P50, b?.P99);
        }
    }

    /// <summary>The throughput target at each client count both systems ran: DistSync's rate at least etcd's.</summary>
    private static void Throughput(string what, List<ClosedLoopResult> ours, List<ClosedLoopResult> theirs)
    {
        var parts = new List<string>();
        var met = true;
        foreach (var c in ClientCounts(ours, theirs))
        {
            if (Find(ours, c) is not { } a || Find(theirs, c) is not { } b) continue;
            met &= a.PerSecond >= b.PerSecond;
            parts.Add($"{c}: {Rate(a.PerSecond)} vs {Rate(b.PerSecond)}");
        }
        if (parts.Count > 0)
            Console.WriteLine($"target: {what} >= etcd's at every client count: {string.Join("; ", parts)} ({(met ? "met" : "NOT met")})");
    }

    private static List<int> ClientCounts(List<ClosedLoopResult> ours, List<ClosedLoopResult> theirs)
    {
        var counts = new List<int>();
        foreach (var r in ours.Concat(theirs))
        {
            if (!counts.Contains(r.Clients)) counts.Add(r.Clients);
        }
        return counts;
    }

    private static ClosedLoopResult? Find(List<ClosedLoopResult> rows, int clients) => rows.Find(r => r.Clients == clients);

    private static void PrintPair(string phase, int clients, double? rate, double? p50, double? p99, double? theirRate, double? theirP50, double? theirP99) =>
        Console.WriteLine($"{phase,-6} {clients,7} | {Rate(rate),9} {Ms(p50),7} {Ms(p99),7} | {Rate(theirRate),9} {Ms(theirP50),7} {Ms(theirP99),7} | " +
                          $"{Ratio(rate, theirRate),6} {Ratio(p99, theirP99),6}");

    private static string Rate(double? v) => v is { } x ? x.ToString("N0", CultureInfo.CurrentCulture) : "-";

    private static string Ms(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string Ratio(double? ours, double? theirs) =>
        ours is { } a && theirs is { } b && b > 0 && !double.IsNaN(a) && !double.IsNaN(b) ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : "-";
}
