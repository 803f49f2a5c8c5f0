using System.Globalization;
using System.Text.Json;

namespace DistSync.Bench;

/// <summary>
/// What bench soak reads off the members around its load, for DistSync and etcd alike: one Prometheus counter per
/// member (leader changes), the Raft term per member, a process's resident set size and a data directory's size.
/// Each read that fails is printed and comes back as null, so the table shows "-" instead of a made-up 0.
/// </summary>
internal static class SoakProbes
{
    /// <summary>
    /// The value of <paramref name="series"/> (the metric name with its labels as the exposition writes them, e.g.
    /// <c>dsync_raft_leader_changes_total{group="0"}</c>) in each member's <c>/metrics</c>; null where the scrape failed.
    /// A series absent from a scrape that worked is 0 (a labelled counter appears only once incremented) and said so.
    /// </summary>
    public static async Task<double?[]> CountersAsync(IReadOnlyList<HttpClient> members, string series, string memberPrefix)
    {
        var values = new double?[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            try
            {
                var text = await members[i].GetStringAsync("metrics");
                if (Parse(text, series) is { } v)
                {
                    values[i] = v;
                }
                else
                {
                    Console.WriteLine($"  {memberPrefix}{i + 1} /metrics has no {series} yet; read as 0");
                    values[i] = 0;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException)
            {
                Console.WriteLine($"  {memberPrefix}{i + 1} /metrics failed: {e.GetType().Name}: {e.Message}");
            }
        }
        return values;
    }

    /// <summary>The first sample of exactly <paramref name="series"/> in Prometheus text exposition; null when absent.</summary>
    public static double? Parse(string text, string series)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length <= series.Length || line[series.Length] != ' ' || !line.StartsWith(series, StringComparison.Ordinal)) continue;
            // "name{labels} value [timestamp]"
            var rest = line[(series.Length + 1)..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            return double.Parse(space < 0 ? rest : rest[..space], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>Each etcd member's Raft term from <c>/v3/maintenance/status</c>; null where it did not answer.</summary>
    public static async Task<long?[]> EtcdTermsAsync(IReadOnlyList<HttpClient> members)
    {
        var terms = new long?[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            try
            {
                using var response = await members[i].PostAsync("v3/maintenance/status", new StringContent("{}"));
                response.EnsureSuccessStatusCode();
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                // the response header's raft_term (the body's own field is camelCase raftTerm in 3.4); int64 comes as a string
                terms[i] = long.Parse(doc.RootElement.GetProperty("header").GetProperty("raft_term").GetString() ?? "", CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                Console.WriteLine($"  e{i + 1} /v3/maintenance/status failed: {e.GetType().Name}: {e.Message}");
            }
        }
        return terms;
    }

    /// <summary>The largest per-member difference after - before, over members read both times; null if none was.</summary>
    public static double? MaxDelta(IReadOnlyList<double?> before, IReadOnlyList<double?> after)
    {
        double? max = null;
        for (var i = 0; i < before.Count && i < after.Count; i++)
        {
            if (before[i] is { } b && after[i] is { } a && (max is null || a - b > max)) max = a - b;
        }
        return max;
    }

    /// <summary>VmRSS of process <paramref name="pid"/> in bytes from <c>/proc/pid/status</c>; null (printed) when unreadable.</summary>
    public static long? RssBytes(int pid, string member)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                // "VmRSS:	  123456 kB"
                var kb = line[6..].Trim();
                if (kb.EndsWith(" kB", StringComparison.Ordinal)) kb = kb[..^3].Trim();
                return long.Parse(kb, NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
            }
            Console.WriteLine($"  {member} (pid {pid}): no VmRSS line in /proc/{pid}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            Console.WriteLine($"  {member} (pid {pid}): RSS unreadable: {e.Message}");
        }
        return null;
    }

    /// <summary>The sum of the sizes of every file under <paramref name="dir"/>; null (printed) when it cannot be read.</summary>
    public static long? DirectoryBytes(string dir)
    {
        try
        {
            long total = 0;
            foreach (var file in new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories)) total += file.Length;
            return total;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a journal file replaced while enumerating is the likely cause; the size is then missing, not wrong
            Console.WriteLine($"  data dir {dir}: size unreadable: {e.Message}");
            return null;
        }
    }
}
