using System.CommandLine;
using System.Globalization;
using DistSync.Client;
using DistSync.Client.Contracts;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync cache get|put|invalidate|stats</c>: the MESI-coherent cache over the replicated KV.</summary>
public static class CacheCommands
{
    public static Command Build(TextWriter output)
    {
        var cache = new Command("cache", "the MESI-coherent cache (per-node lines over the replicated KV; a write invalidates every other copy)");
        cache.Subcommands.Add(Get(output));
        cache.Subcommands.Add(Put(output));
        cache.Subcommands.Add(Invalidate(output));
        cache.Subcommands.Add(Stats(output));
        return cache;
    }

    private static Command Get(TextWriter output)
    {
        var key = new Argument<string>("key") { Description = "the key" };
        var json = new Option<bool>("--json") { Description = "print the API's JSON object (key, value, state, hit); as -o json" };
        var get = new Command("get", "reads through the node's cache; prints the value, then its line's state and whether it was a hit; " +
                                     $"exit code {ExitCodes.NotFound} when the key does not exist") { key, json };
        get.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var read = await client.CacheReadAsync(parse.GetValue(key)!, ct).ConfigureAwait(false);
            if (read is null) return await CliOutput.FailAsync(parse, ExitCodes.NotFound, $"no key '{parse.GetValue(key)}'").ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, read, async o =>
            {
                await o.WriteLineAsync(read.Value).ConfigureAwait(false);
                await o.WriteLineAsync($"state: {read.State} ({(read.Hit ? "hit" : "miss")})").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return get;
    }

    private static Command Put(TextWriter output)
    {
        var key = new Argument<string>("key") { Description = "the key" };
        var value = new Argument<string>("value") { Description = "the value (text)" };
        var fenceResource = new Option<string?>("--fence-resource") { Description = "only write while this lock's grant --fence-token is the latest" };
        var fenceToken = CliOptions.OptionalLong("--fence-token", "the fencing token of --fence-resource's grant", min: 0);
        var put = new Command("put", "writes through the node's cache once every other copy is invalidated; prints the line's state (M); " +
                                     $"exit code {ExitCodes.Conflict} on a stale fence")
        {
            key, value, fenceResource, fenceToken,
        };
        put.SetAction(async (parse, ct) =>
        {
            var fence = (parse.GetValue(fenceResource), parse.GetValue(fenceToken)) switch
            {
                (null, null) => null,
                ({ } resource, { } token) => new FenceToken(resource, token),
                _ => throw new ArgumentException("--fence-resource and --fence-token go together"),
            };
            using var client = DsyncCli.ClientFor(parse);
            var written = await client.CacheWriteAsync(parse.GetValue(key)!, parse.GetValue(value)!, fence, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, written, o => o.WriteLineAsync($"state: {written.State}")).ConfigureAwait(false);
        });
        return put;
    }

    private static Command Invalidate(TextWriter output)
    {
        var key = new Argument<string>("key") { Description = "the key" };
        var invalidate = new Command("invalidate", "invalidates every node's copy and deletes the value from the KV; prints how many copies there were") { key };
        invalidate.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var done = await client.CacheInvalidateAsync(parse.GetValue(key)!, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, done, o => o.WriteLineAsync(FormatInvalidated(done))).ConfigureAwait(false);
        });
        return invalidate;
    }

    private static Command Stats(TextWriter output)
    {
        var json = new Option<bool>("--json") { Description = "print the API's JSON object; as -o json" };
        var stats = new Command("stats", "the node's cache: lines and bytes against their limits, hits, misses, hit rate, evictions, " +
                                         "invalidations, lines per MESI state, write policy") { json };
        stats.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var answer = await client.CacheStatsAsync(ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, answer, console => WriteStats(console, answer)).ConfigureAwait(false);
        });
        return stats;
    }

    /// <summary>One line: the copies invalidated (over every node) and whether the KV held a value.</summary>
    public static string FormatInvalidated(CacheInvalidateResponse r) =>
        $"invalidated {r.CopiesInvalidated} {(r.CopiesInvalidated == 1 ? "copy" : "copies")}; " +
        (r.Deleted ? "value deleted from the store" : "the store held no value");

    internal static void WriteStats(IAnsiConsole console, CacheStatsResponse s)
    {
        var table = new Table().AddColumns("", "value");
        table.Columns[1].RightAligned();
        table.AddRow("lines / capacity", $"{Number(s.Lines)} / {Number(s.Capacity)}");
        table.AddRow("bytes / max", $"{Number(s.Bytes)} / {Number(s.MaxBytes)}");
        table.AddRow("hits", Number(s.Hits));
        table.AddRow("misses", Number(s.Misses));
        table.AddRow("hit rate", FormatHitRate(s.HitRate));
        table.AddRow("evictions", Number(s.Evictions));
        table.AddRow("invalidations sent / received", $"{Number(s.InvalidationsSent)} / {Number(s.InvalidationsReceived)}");
        table.AddRow("by state", Markup.Escape(FormatByState(s.ByState)));
        table.AddRow("write policy", Markup.Escape(s.WritePolicy ?? "?"));
        console.WriteLine($"cache of {s.NodeId ?? "?"}");
        console.Write(table);
    }

    /// <summary><c>hitRate</c> (a fraction 0..1) as a percentage with one decimal, e.g. <c>73.4 %</c>.</summary>
    public static string FormatHitRate(double fraction) =>
        double.IsFinite(fraction) ? (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";

    /// <summary>The line counts in MESI order, e.g. <c>M 4  E 10  S 100  I 6</c>.</summary>
    public static string FormatByState(CacheStateCounts? c) =>
        c is null ? "?" : $"M {Number(c.M)}  E {Number(c.E)}  S {Number(c.S)}  I {Number(c.I)}";

    private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
