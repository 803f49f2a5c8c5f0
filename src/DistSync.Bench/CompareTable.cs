using System.Globalization;
using System.Text;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// bench compare's rows: per workload and client count the reference's (etcd's or RabbitMQ's) and DistSync's figures,
/// printed side by side with the ratio DistSync / reference and written to a CSV. Failover rows carry milliseconds
/// (median, max) instead of a rate and p99.
/// </summary>
internal sealed class CompareTable
{
    private readonly List<Row> _rows = [];

    /// <summary>Records one closed-loop result of <paramref name="reference"/> (e.g. "etcd") or, when <paramref name="ours"/>, of DistSync.</summary>
    public void Add(string workload, int clients, string reference, bool ours, ClosedLoopResult r) =>
        Set(workload, clients, reference, ours, r.PerSecond, r.P99, r.Errors, "ops/s");

    /// <summary>Records one queue end-to-end run (produce + consume + ack): acked messages/s and p99 of send -> ack.</summary>
    public void AddQueue(string reference, bool ours, BenchSupport.EndToEndResult r) =>
        Set("queue e2e", r.Clients, reference, ours, r.AckedPerSecond, r.P99, r.Errors, "msg/s");

    /// <summary>Records failover trials: median and max milliseconds until the next committed write.</summary>
    public void AddFailover(string reference, bool ours, int writers, double median, double max) =>
        Set("failover", writers, reference, ours, median, max, 0, "ms");

    private void Set(string workload, int clients, string reference, bool ours, double value, double tail, long errors, string unit)
    {
        var row = _rows.Find(x => x.Workload == workload && x.Clients == clients);
        if (row is null)
        {
            row = new Row(workload, clients, unit);
            _rows.Add(row);
        }
        if (ours)
        {
            (row.Ours, row.OursTail, row.OursErrors) = (value, tail, errors);
        }
        else
        {
            (row.Reference, row.Theirs, row.TheirsTail, row.TheirsErrors) = (reference, value, tail, errors);
        }
    }

    public void Print(string loadStart, string loadEnd)
    {
        Console.WriteLine();
        Console.WriteLine("same run, one system after the other on this machine; ops/s (p99 ms); failover: median ms (max ms) until the next committed write");
        Console.WriteLine("ratio = DistSync / reference (ops/s: above 1 DistSync is faster; failover ms: above 1 DistSync is slower)");
        Console.WriteLine($"{"workload",-16} {"clients",7} {"reference",-9} | {"reference ops/s (p99)",24} | {"DistSync ops/s (p99)",24} | {"ratio",6}");
        foreach (var r in _rows)
            Console.WriteLine($"{r.Workload,-16} {r.Clients,7} {r.Reference ?? "-",-9} | {Cell(r.Theirs, r.TheirsTail, r.Unit),24} | {Cell(r.Ours, r.OursTail, r.Unit),24} | {Ratio(r.Ours, r.Theirs),6}");
        Console.WriteLine($"load average at start {loadStart}, at end {loadEnd} ({Environment.ProcessorCount} cores)");
    }

    public void WriteCsv(string path, string loadStart, string loadEnd)
    {
        var csv = new StringBuilder();
        csv.AppendLine("workload,clients,reference,unit,reference_value,reference_p99_or_max,reference_errors,distsync_value,distsync_p99_or_max,distsync_errors,ratio,load_start,load_end");
        foreach (var r in _rows)
            csv.AppendLine(string.Join(',', r.Workload, r.Clients.ToString(CultureInfo.InvariantCulture), r.Reference ?? "", r.Unit,
                Num(r.Theirs), Num(r.TheirsTail), r.TheirsErrors?.ToString(CultureInfo.InvariantCulture) ?? "",
                Num(r.Ours), Num(r.OursTail), r.OursErrors?.ToString(CultureInfo.InvariantCulture) ?? "", Ratio(r.Ours, r.Theirs), loadStart, loadEnd));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, csv.ToString());
    }

    private static string Cell(double? value, double? tail, string unit)
    {
        if (value is not { } v) return "-";
        var t = tail is { } x && !double.IsNaN(x) ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";
        return unit == "ms" ? $"{v.ToString("N0", CultureInfo.InvariantCulture)} ms ({t})" : $"{v.ToString("N0", CultureInfo.InvariantCulture)} ({t})";
    }

    private static string Num(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0.##", CultureInfo.InvariantCulture) : "";

    private static string Ratio(double? ours, double? theirs) =>
        ours is { } a && theirs is { } b && b > 0 && !double.IsNaN(a) ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private sealed class Row(string workload, int clients, string unit)
    {
        public string Workload { get; } = workload;
        public int Clients { get; } = clients;
        public string Unit { get; } = unit;
        public string? Reference { get; set; }
        public double? Theirs { get; set; }
        public double? TheirsTail { get; set; }
        public long? TheirsErrors { get; set; }
        public double? Ours { get; set; }
        public double? OursTail { get; set; }
        public long? OursErrors { get; set; }
    }
}
