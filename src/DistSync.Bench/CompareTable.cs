using System.Globalization;
using System.Text;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// bench compare's rows: per workload, client count and DistSync variant (<see cref="Plain"/>, or <see cref="Secure"/>
/// with HTTPS, mTLS and tokens) the reference's (etcd's or RabbitMQ's) and DistSync's figures, printed side by side with
/// the ratio DistSync / reference, a secure row also with its ratio to the plain one (the cost of security), and written
/// to a CSV. Failover rows carry milliseconds (median, max) instead of a rate and p99. <see cref="ReadCsv"/> reads such a
/// CSV back, and <see cref="Check"/> holds a run's ratios against it (<c>bench compare --check</c>).
/// </summary>
internal sealed class CompareTable(IReadOnlyList<string> systems)
{
    public const string Plain = "distsync";
    public const string Secure = "distsync-secure";

    private readonly List<Row> _rows = [];

    /// <summary>Records one closed-loop result of DistSync variant <paramref name="system"/>, or of <paramref name="reference"/> (e.g. "etcd") when it is null.</summary>
    public void Add(string workload, int clients, string reference, string? system, ClosedLoopResult r) =>
        Set(workload, clients, reference, system, r.PerSecond, r.P99, r.Errors, "ops/s");

    /// <summary>Records one queue end-to-end run (produce + consume + ack): acked messages/s and p99 of send -> ack.</summary>
    public void AddQueue(string reference, string? system, BenchSupport.EndToEndResult r) =>
        Set("queue e2e", r.Clients, reference, system, r.AckedPerSecond, r.P99, r.Errors, "msg/s");

    /// <summary>Records failover trials: median and max milliseconds until the next committed write.</summary>
    public void AddFailover(string reference, string? system, int writers, double median, double max) =>
        Set("failover", writers, reference, system, median, max, 0, "ms");

    private void Set(string workload, int clients, string reference, string? system, double value, double tail, long errors, string unit)
    {
        if (system is null)
        {
            // the reference is measured once and shown against every variant this run measures (also one that failed)
            foreach (var s in systems) FindOrAdd(workload, clients, s, unit);
            foreach (var r in _rows.Where(x => x.Workload == workload && x.Clients == clients))
                (r.Reference, r.Theirs, r.TheirsTail, r.TheirsErrors) = (reference, value, tail, errors);
            return;
        }
        var row = FindOrAdd(workload, clients, system, unit);
        (row.Ours, row.OursTail, row.OursErrors) = (value, tail, errors);
    }

    /// <summary>The row of (workload, clients, system); a new one goes right after its siblings, so variants print together.</summary>
    private Row FindOrAdd(string workload, int clients, string system, string unit)
    {
        if (_rows.Find(x => x.Workload == workload && x.Clients == clients && x.System == system) is { } found) return found;
        var row = new Row(workload, clients, system, unit);
        var last = _rows.FindLastIndex(x => x.Workload == workload && x.Clients == clients);
        if (last < 0) _rows.Add(row);
        else _rows.Insert(last + 1, row);
        return row;
    }

    /// <summary>A variant's value over the plain run's for the same workload and clients (null for the plain row itself).</summary>
    private double? VsPlain(Row r) =>
        r.System == Plain ? null : RatioOf(r.Ours, _rows.Find(x => x.Workload == r.Workload && x.Clients == r.Clients && x.System == Plain)?.Ours);

    public void Print(string loadStart, string loadEnd)
    {
        Console.WriteLine();
        Console.WriteLine("same run, one system after the other on this machine; ops/s (p99 ms); failover: median ms (max ms) until the next committed write");
        Console.WriteLine("ratio = DistSync / reference (ops/s: above 1 DistSync is faster; failover ms: above 1 DistSync is slower); " +
                          "vs plain = a variant / distsync (ops/s: below 1 is its cost; ms: above 1)");
        Console.WriteLine($"{"workload",-16} {"clients",7} {"reference",-9} {"system",-15} | {"reference ops/s (p99)",24} | {"DistSync ops/s (p99)",24} | {"ratio",6} | {"vs plain",8}");
        foreach (var r in _rows)
            Console.WriteLine($"{r.Workload,-16} {r.Clients,7} {r.Reference ?? "-",-9} {r.System,-15} | {Cell(r.Theirs, r.TheirsTail, r.Unit),24} | " +
                              $"{Cell(r.Ours, r.OursTail, r.Unit),24} | {Ratio(r.Ours, r.Theirs),6} | {Show(VsPlain(r), "0.00"),8}");
        Console.WriteLine($"load average at start {loadStart}, at end {loadEnd} ({Environment.ProcessorCount} cores)");
    }

    public void WriteCsv(string path, string loadStart, string loadEnd)
    {
        var csv = new StringBuilder();
        csv.AppendLine("workload,clients,reference,system,unit,reference_value,reference_p99_or_max,reference_errors,distsync_value,distsync_p99_or_max,distsync_errors," +
                       "ratio,vs_plain,load_start,load_end");
        foreach (var r in _rows)
            csv.AppendLine(string.Join(',', r.Workload, r.Clients.ToString(CultureInfo.InvariantCulture), r.Reference ?? "", r.System, r.Unit,
                Num(r.Theirs), Num(r.TheirsTail), r.TheirsErrors?.ToString(CultureInfo.InvariantCulture) ?? "",
                Num(r.Ours), Num(r.OursTail), r.OursErrors?.ToString(CultureInfo.InvariantCulture) ?? "", Ratio(r.Ours, r.Theirs),
                Show(VsPlain(r), "0.000", ""), loadStart, loadEnd));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, csv.ToString());
    }

    /// <summary>One row of a CSV that <see cref="WriteCsv"/> wrote: its key, and the ratio DistSync / reference (null when a side is missing).</summary>
    public sealed record BaselineRow(string Workload, int Clients, string Reference, string System, string Unit, double? Ratio);

    /// <summary>
    /// Reads a CSV <see cref="WriteCsv"/> wrote (columns found by their header names, so added columns do not break it;
    /// a CSV from before the system column holds plain rows only).
    /// The ratio is recomputed from the two values, which carry more digits than the rounded ratio column.
    /// InvalidDataException when a column is missing or a line does not parse.
    /// </summary>
    public static List<BaselineRow> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new InvalidDataException($"{path}: empty");
        var header = lines[0].Split(',');
        int Column(string name) =>
            Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path}: no column '{name}' in the header");
        var (workload, clients, reference, unit, theirs, ours) =
            (Column("workload"), Column("clients"), Column("reference"), Column("unit"), Column("reference_value"), Column("distsync_value"));
        var system = Array.IndexOf(header, "system");
        var rows = new List<BaselineRow>();
        for (var n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length == 0) continue;
            var f = lines[n].Split(',');
            if (f.Length != header.Length) throw new InvalidDataException($"{path} line {n + 1}: {f.Length} fields, the header has {header.Length}");
            if (!int.TryParse(f[clients], NumberStyles.None, CultureInfo.InvariantCulture, out var c))
                throw new InvalidDataException($"{path} line {n + 1}: clients '{f[clients]}' is not a number");
            rows.Add(new BaselineRow(f[workload], c, f[reference], system >= 0 ? f[system] : Plain, f[unit], RatioOf(Parse(f[ours], path, n), Parse(f[theirs], path, n))));
        }
        return rows;
    }

    /// <summary>
    /// Prints, per row, the baseline's ratio, this run's and the change in DistSync's favour (ms rows: a lower ratio is
    /// better, so the change is old / new - 1; rate rows new / old - 1); the number of rows whose change is below
    /// -<paramref name="maxDrop"/>. Rows on one side only (e.g. secure rows against a baseline without them), or without
    /// a ratio, are listed and do not count.
    /// </summary>
    public int Check(IReadOnlyList<BaselineRow> baseline, string baselinePath, double maxDrop)
    {
        Console.WriteLine();
        Console.WriteLine($"check against {baselinePath}: a ratio that moved more than {maxDrop * 100:0}% against DistSync fails " +
                          "(ops/s and msg/s rows: higher is better; failover ms: lower is better)");
        Console.WriteLine($"{"workload",-16} {"clients",7} {"reference",-9} {"system",-15} | {"old ratio",9} | {"new ratio",9} | {"change",8} | verdict");
        var regressions = 0;
        var seen = new HashSet<(string, int, string)>();
        foreach (var r in _rows)
        {
            seen.Add((r.Workload, r.Clients, r.System));
            var now = RatioOf(r.Ours, r.Theirs);
            var old = baseline.FirstOrDefault(b => b.Workload == r.Workload && b.Clients == r.Clients && b.System == r.System);
            string verdict;
            string change = "-";
            if (old is null) verdict = "not in the baseline";
            else if (old.Reference != (r.Reference ?? "")) verdict = $"reference was {old.Reference}, not compared";
            else if (old.Ratio is not { } o || now is not { } x || o <= 0 || x <= 0) verdict = "no ratio on one side, not compared";
            else
            {
                // in DistSync's favour: for ms a smaller ratio is the better one
                var favour = r.Unit == "ms" ? o / x - 1 : x / o - 1;
                change = (favour * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%";
                var dropped = favour < -maxDrop;
                if (dropped) regressions++;
                verdict = dropped ? "REGRESSION" : "ok";
            }
            Console.WriteLine($"{r.Workload,-16} {r.Clients,7} {r.Reference ?? "-",-9} {r.System,-15} | {Show(old?.Ratio),9} | {Show(now),9} | {change,8} | {verdict}");
        }
        foreach (var b in baseline)
        {
            if (!seen.Contains((b.Workload, b.Clients, b.System)))
                Console.WriteLine($"{b.Workload,-16} {b.Clients,7} {b.Reference,-9} {b.System,-15} | {Show(b.Ratio),9} | {"-",9} | {"-",8} | missing in this run");
        }
        Console.WriteLine(regressions == 0 ? "check: no ratio dropped beyond the threshold" : $"check: {regressions} row(s) dropped more than {maxDrop * 100:0}%");
        return regressions;
    }

    private static string Show(double? v, string format = "0.000", string none = "-") =>
        v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : none;

    private static double? Parse(string field, string path, int line)
    {
        if (field.Length == 0) return null;
        return double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{path} line {line + 1}: '{field}' is not a number");
    }

    private static double? RatioOf(double? ours, double? theirs) =>
        ours is { } a && theirs is { } b && b > 0 && !double.IsNaN(a) ? a / b : null;

    private static string Cell(double? value, double? tail, string unit)
    {
        if (value is not { } v) return "-";
        var t = tail is { } x && !double.IsNaN(x) ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";
        return unit == "ms" ? $"{v.ToString("N0", CultureInfo.InvariantCulture)} ms ({t})" : $"{v.ToString("N0", CultureInfo.InvariantCulture)} ({t})";
    }

    private static string Num(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0.##", CultureInfo.InvariantCulture) : "";

    private static string Ratio(double? ours, double? theirs) =>
        RatioOf(ours, theirs) is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private sealed class Row(string workload, int clients, string system, string unit)
    {
        public string Workload { get; } = workload;
        public int Clients { get; } = clients;
        public string System { get; } = system;
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
