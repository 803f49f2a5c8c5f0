using System.Globalization;
using System.Text;

namespace DistSync.Bench;

/// <summary>
/// Akka.Remote figures between two actor systems in this process over loopback (DotNetty TCP, Protobuf messages
/// through the node's <c>dsync-wire</c> serializer): one-way messages/s (tell only, a window in flight, 64 B and
/// 1 KiB payloads, 1 and 4 sender pairs), Raft-like AppendEntries of 64 entries (messages/s and entries/s, every
/// append answered) and remote Ask round trips (one in flight) p50/p99. Each case is measured over a steady-state
/// window after a warm-up, so connection set-up and draining are not counted.
/// Args: <c>--quick</c>; <c>--profile a,b</c> (settings from <see cref="RemoteBenchProfiles"/>, default
/// <c>tuned</c>); <c>--sweep</c> (every profile); <c>--repeat N</c> (rounds over the profiles; best and spread
/// reported); <c>--provider remote|cluster</c>; <c>--set 'hocon'</c> (laid over the profile, repeatable);
/// <c>--seconds S</c> per case; <c>--window N</c>; <c>--raft-window N</c>; <c>--entries N</c>; <c>--entry-bytes N</c>.
/// Old targets (issue 3, the home-made transport): 300,000 msgs/s one way, remote Ask p50 under 200 µs; that
/// transport did 1.6M msgs/s and 36 µs.
/// </summary>
public sealed class RemoteBench : IBenchmark
{
    private const int AckEvery = 500;

    public string Name => "remote";

    public string Description => "Akka.Remote: one-way msgs/s (64 B/1 KiB, 1/4 pairs), Raft-like batches, remote Ask p50/p99; --sweep compares settings";

    private sealed record Options(
        bool Quick, string[] Profiles, int Repeat, string Provider, string Overrides, double Seconds,
        int Window, int RaftWindow, int Entries, int EntryBytes);

    public async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        if (options is null) return 2;
        var warm = TimeSpan.FromSeconds(options.Quick ? 0.5 : 1.0);
        var measure = TimeSpan.FromSeconds(options.Seconds);
        var asks = options.Quick ? 3_000 : 10_000;
        Console.WriteLine($"remote benchmark (Akka.Remote 1.5.74, DotNetty TCP on loopback, dsync-wire Protobuf): {Environment.ProcessorCount} cores, " +
                          $".NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, provider {options.Provider}, " +
                          $"{measure.TotalSeconds:0.#} s per case after {warm.TotalSeconds:0.#} s warm-up, window {options.Window} (ack every {AckEvery}), " +
                          $"raft window {options.RaftWindow}{LoadAverage()}");
        foreach (var name in options.Profiles)
            Console.WriteLine($"  profile {name,-15} {RemoteBenchProfiles.Find(name)!.Value.Change}");
        if (options.Overrides.Length > 0) Console.WriteLine($"  --set over every profile: {options.Overrides.ReplaceLineEndings(" ")}");

        var cases = new List<(string Key, string Label, Func<RemoteBenchPair, Task<RemoteBenchPair.CaseResult>> Run, int BytesPerMessage, int EntriesPerMessage)>
        {
            ("64Bx1", "one-way 64 B, 1 pair", p => p.OneWayAsync(1, 64, options.Window, AckEvery, warm, measure), 64, 0),
            ("64Bx4", "one-way 64 B, 4 pairs", p => p.OneWayAsync(4, 64, options.Window / 4, AckEvery, warm, measure), 64, 0),
            ("1KiBx1", "one-way 1 KiB, 1 pair", p => p.OneWayAsync(1, 1024, options.Window, AckEvery, warm, measure), 1024, 0),
            ("1KiBx4", "one-way 1 KiB, 4 pairs", p => p.OneWayAsync(4, 1024, options.Window / 4, AckEvery, warm, measure), 1024, 0),
            ("raftx1", $"raft-like {options.Entries}x{options.EntryBytes} B, 1 group", p => p.RaftLikeAsync(1, options.Entries, options.EntryBytes, options.RaftWindow, warm, measure), options.Entries * options.EntryBytes, options.Entries),
            ("raftx4", $"raft-like {options.Entries}x{options.EntryBytes} B, 4 groups", p => p.RaftLikeAsync(4, options.Entries, options.EntryBytes, options.RaftWindow, warm, measure), options.Entries * options.EntryBytes, options.Entries),
        };

        // (profile, case key) -> one value per round: msgs/s for the cases, µs for the Ask percentiles.
        var results = new Dictionary<(string, string), List<double>>();
        void Add(string profile, string key, double value)
        {
            if (!results.TryGetValue((profile, key), out var list)) results[(profile, key)] = list = [];
            list.Add(value);
        }

        // Unmeasured warm-up: without it the first profile of the process runs on cold (tier-0) code.
        await using (var warmPair = await RemoteBenchPair.StartAsync(RemoteBenchProfiles.Base(options.Provider) + "\n" + options.Overrides, options.Provider == "cluster"))
        {
            var w = TimeSpan.FromSeconds(options.Quick ? 1 : 2);
            await warmPair.OneWayAsync(1, 64, options.Window, AckEvery, w, w);
            await warmPair.OneWayAsync(4, 1024, options.Window / 4, AckEvery, w, w);
            await warmPair.RaftLikeAsync(1, options.Entries, options.EntryBytes, options.RaftWindow, w, w);
            await warmPair.AskLatenciesAsync(2_000, 1_000);
        }

        Console.WriteLine();
        Console.WriteLine($"{"round",5} {"profile",-15} {"case",-32} {"msgs/s",11} {"entries/s",11} {"MB/s",7} {"CPU µs/msg",10} {"B/msg",7} {"gen2",4}");
        for (var round = 1; round <= options.Repeat; round++)
        {
            foreach (var name in options.Profiles)
            {
                var profile = RemoteBenchProfiles.Find(name)!.Value;
                var hocon = RemoteBenchProfiles.Base(options.Provider) + "\n" + profile.Hocon + "\n" + options.Overrides;
                await using var pair = await RemoteBenchPair.StartAsync(hocon, options.Provider == "cluster");
                foreach (var c in cases)
                {
                    var r = await c.Run(pair);
                    Add(name, c.Key, r.PerSecond);
                    var entries = c.EntriesPerMessage > 0 ? (r.PerSecond * c.EntriesPerMessage).ToString("N0", CultureInfo.InvariantCulture) : "";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{round,5} {name,-15} {c.Label,-32} {r.PerSecond,11:N0} {entries,11} {r.PerSecond * c.BytesPerMessage / 1e6,7:N1} {r.CpuSeconds * 1e6 / Math.Max(1, r.Messages),10:N1} {(double)r.AllocatedBytes / Math.Max(1, r.Messages),7:N0} {r.Gen2,4}"));
                }
                var latencies = await pair.AskLatenciesAsync(asks, asks / 2);
                Add(name, "p50", Percentile(latencies, 0.50));
                Add(name, "p99", Percentile(latencies, 0.99));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{round,5} {name,-15} {$"remote Ask x{asks:N0}, 1 in flight",-32} p50 {Percentile(latencies, 0.50):N0} µs, p90 {Percentile(latencies, 0.90):N0} µs, p99 {Percentile(latencies, 0.99):N0} µs, max {latencies[^1]:N0} µs"));
            }
        }

        PrintSummary(options, cases.Select(c => (c.Key, c.EntriesPerMessage)).ToList(), results);
        return 0;
    }

    /// <summary>One row per profile: the best round of each case (highest rate, lowest latency) and, with several
    /// rounds, the spread (lowest-highest) under it.</summary>
    private static void PrintSummary(Options options, List<(string Key, int Entries)> cases, Dictionary<(string, string), List<double>> results)
    {
        Console.WriteLine();
        Console.WriteLine($"summary, best of {options.Repeat} round(s){(options.Repeat > 1 ? "; the line under each shows the range over the rounds" : "")} (msgs/s; raft also entries/s; Ask µs):");
        var header = new StringBuilder($"{"profile",-15}");
        foreach (var (key, _) in cases) header.Append(CultureInfo.InvariantCulture, $" {key,10}");
        header.Append(CultureInfo.InvariantCulture, $" {"raft1 ent/s",12} {"Ask p50",8} {"Ask p99",8}");
        Console.WriteLine(header);
        foreach (var profile in options.Profiles)
        {
            var best = new StringBuilder($"{profile,-15}");
            var spread = new StringBuilder($"{"",-15}");
            foreach (var (key, _) in cases)
            {
                var v = results[(profile, key)];
                best.Append(CultureInfo.InvariantCulture, $" {v.Max(),10:N0}");
                spread.Append(CultureInfo.InvariantCulture, $" {Short(v.Min()) + "-" + Short(v.Max()),10}");
            }
            var entries = cases.First(c => c.Key == "raftx1").Entries;
            best.Append(CultureInfo.InvariantCulture, $" {results[(profile, "raftx1")].Max() * entries,12:N0} {results[(profile, "p50")].Min(),8:N0} {results[(profile, "p99")].Min(),8:N0}");
            spread.Append(CultureInfo.InvariantCulture, $" {"",12} {Short(results[(profile, "p50")].Min()) + "-" + Short(results[(profile, "p50")].Max()),8} {Short(results[(profile, "p99")].Min()) + "-" + Short(results[(profile, "p99")].Max()),8}");
            Console.WriteLine(best);
            if (options.Repeat > 1) Console.WriteLine(spread);
        }
        Console.WriteLine("old home-made transport (same machine, before issue 11): 1.6M msgs/s one way (64 B-class Int64Value), remote Ask p50 36 µs");
    }

    private static string Short(double v) => v >= 10_000 ? string.Create(CultureInfo.InvariantCulture, $"{v / 1000:0}k") : v.ToString("0", CultureInfo.InvariantCulture);

    private static Options? Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        string[] profiles = ["tuned"];
        int repeat = 1, window = 10_000, raftWindow = 16, entries = 64, entryBytes = 64;
        double? seconds = null;
        var provider = "remote";
        var overrides = new StringBuilder();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var ok = true;
            switch (args[i])
            {
                case "--quick": continue;
                case "--sweep": profiles = RemoteBenchProfiles.All.Select(p => p.Name).ToArray(); continue;
                case "--profile" when value is not null: profiles = value.Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--repeat" when value is not null: ok = int.TryParse(value, out repeat) && repeat >= 1; break;
                case "--provider" when value is "remote" or "cluster": provider = value; break;
                case "--set" when value is not null: overrides.AppendLine(value); break;
                case "--seconds" when value is not null: ok = double.TryParse(value, CultureInfo.InvariantCulture, out var s) && s > 0; seconds = s; break;
                case "--window" when value is not null: ok = int.TryParse(value, out window) && window >= 4 * AckEvery && window % AckEvery == 0; break;
                case "--raft-window" when value is not null: ok = int.TryParse(value, out raftWindow) && raftWindow >= 1; break;
                case "--entries" when value is not null: ok = int.TryParse(value, out entries) && entries >= 1; break;
                case "--entry-bytes" when value is not null: ok = int.TryParse(value, out entryBytes) && entryBytes >= 0; break;
                default: ok = false; break;
            }
            if (!ok)
            {
                Console.Error.WriteLine($"remote: bad argument '{args[i]}{(value is null ? "" : " " + value)}' (--window: a multiple of {AckEvery}, at least {4 * AckEvery}; --provider remote|cluster)");
                return null;
            }
            i++;
        }
        var unknown = profiles.FirstOrDefault(p => RemoteBenchProfiles.Find(p) is null);
        if (unknown is not null)
        {
            Console.Error.WriteLine($"remote: unknown profile '{unknown}'; known: {string.Join(", ", RemoteBenchProfiles.All.Select(p => p.Name))}");
            return null;
        }
        return new Options(quick, profiles, repeat, provider, overrides.ToString(), seconds ?? (quick ? 1.5 : 3.0), window, raftWindow, entries, entryBytes);
    }

    /// <summary>Nearest-rank percentile <paramref name="p"/> (0..1) of sorted values.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>The 1-minute load average on Linux, so figures from the shared machine can be read as such.</summary>
    internal static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? $", load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
