using System.CommandLine;
using System.Text.Json;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync kv get|put|delete|list|watch|txn</c>: the replicated key-value store (docs/KV.md).</summary>
public static class KvCommands
{
    public static Command Build(TextWriter output)
    {
        var kv = new Command("kv", "the replicated key-value store (linearizable, compare-and-set, ranges, watches, transactions, ephemeral keys)");
        kv.Subcommands.Add(Get(output));
        kv.Subcommands.Add(Put(output));
        kv.Subcommands.Add(Delete(output));
        kv.Subcommands.Add(List(output));
        kv.Subcommands.Add(Watch(output));
        kv.Subcommands.Add(Txn(output));
        return kv;
    }

    /// <summary>What <c>dsync kv watch</c> was asked for.</summary>
    public sealed record WatchSettings(KvRange Range, long? FromVersion, bool PrevValue, bool Json);

    /// <summary>
    /// Prints each change of the range as one line (<see cref="FormatChange"/>, or the API's JSON object) until
    /// <paramref name="ct"/> fires (Ctrl-C), then 0. A dropped stream or a node going away is resumed on the next
    /// node after the last printed change, with a warning on <paramref name="error"/>.
    /// </summary>
    /// <exception cref="KvCompactedException">The changes to print next were compacted.</exception>
    public static async Task<int> WatchAsync(DistSyncClient client, WatchSettings settings, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var watch = client.WatchAsync(settings.Range, settings.FromVersion, settings.PrevValue);
        watch.OnReconnect = r => error.WriteLine($"warning: watch stream from {r.Lost.Authority} lost ({r.Reason?.Message ?? "closed by the node"}); " +
                                                 $"resuming {(r.LastEventId is null ? "from the start" : "after " + r.LastEventId)} on {r.Next.Authority}");
        _ = watch.Started.ContinueWith(t => error.WriteLine($"watching {settings.Range} from version {t.Result.FromVersion} " +
                                                            $"(revision {t.Result.Revision}); Ctrl-C stops"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        try
        {
            await foreach (var change in watch.WithCancellation(ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync(settings.Json ? CliOutput.Json(change) : FormatChange(change)).ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// One change as one line: <c>[version] put key = value</c> or <c>[version] delete key</c>, with
    /// <c> (was: prev)</c> when the previous value was asked for; values escaped as <see cref="CliText.Escape"/>.
    /// </summary>
    public static string FormatChange(KvWatchEvent e)
    {
        var line = e.Type == "delete"
            ? $"[{e.Version}] delete {CliText.Escape(e.Key)}"
            : $"[{e.Version}] put {CliText.Escape(e.Key)} = {CliText.Escape(e.Value ?? "")}";
        if (e.SessionId is { } session && e.Type != "delete") line += $" (session {session})";
        return e.PrevValue is { } prev ? line + $" (was: {CliText.Escape(prev)})" : line;
    }

    /// <summary>One key of a list as one line: <c>key = value (version N)</c>, with its session when it is ephemeral.</summary>
    public static string FormatKey(KvGetResponse kv) =>
        $"{CliText.Escape(kv.Key)} = {CliText.Escape(kv.Value)} (version {kv.Version}" + (kv.SessionId is { } s ? $", session {s})" : ")");

    private static Command Get(TextWriter output)
    {
        var key = new Argument<string>("key") { Description = "the key" };
        var consistency = new Option<string>("--consistency")
        {
            Description = "linearizable (through the leader's read index) or local (this node's replica, may be stale)",
            DefaultValueFactory = _ => "linearizable",
        };
        consistency.AcceptOnlyFromAmong("linearizable", "local");
        var get = new Command("get", $"prints the key's value and version; exit code {ExitCodes.NotFound} when the key does not exist") { key, consistency };
        get.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var mode = parse.GetValue(consistency) == "local" ? ReadConsistency.Local : ReadConsistency.Linearizable;
            var found = await client.GetAsync(parse.GetValue(key)!, mode, ct).ConfigureAwait(false);
            if (found is null) return await CliOutput.FailAsync(parse, ExitCodes.NotFound, $"no key '{parse.GetValue(key)}'").ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, found, async o =>
            {
                await o.WriteLineAsync(found.Value).ConfigureAwait(false);
                await o.WriteLineAsync($"version: {found.Version}").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return get;
    }

    private static Command Put(TextWriter output)
    {
        var key = new Argument<string>("key") { Description = "the key" };
        var value = new Argument<string>("value") { Description = "the value (text)" };
        var expected = CliOptions.OptionalLong("--expected-version",
            "compare-and-set: write only if the key's version is N (0 = only if the key does not exist)", min: 0);
        var session = new Option<string?>("--session")
        {
            Description = $"bind the key to this live session (an ephemeral key, deleted when the session ends); exit code {ExitCodes.NotFound} when it is not live",
        };
        var put = new Command("put", $"writes the value; prints the new version; exit code {ExitCodes.Conflict} when --expected-version does not match " +
                                     "(the error says the key's current version)") { key, value, expected, session };
        put.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var written = await client.PutAsync(parse.GetValue(key)!, parse.GetValue(value)!, parse.GetValue(expected), ct,
                parse.GetValue(session) is { Length: > 0 } id ? id : null).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, written, o => o.WriteLineAsync($"version: {written.Version}")).ConfigureAwait(false);
        });
        return put;
    }

    private static Command Delete(TextWriter output)
    {
        var key = new Argument<string>("key") { Description = "the key" };
        var delete = new Command("delete", "deletes the key; prints whether it existed") { key };
        delete.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var deleted = await client.DeleteAsync(parse.GetValue(key)!, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, new KvDeleteResponse(deleted),
                o => o.WriteLineAsync(deleted ? "deleted" : "not found (nothing deleted)")).ConfigureAwait(false);
        });
        return delete;
    }

    /// <summary>The range named by --prefix, or --from/--to (every key when none is given).</summary>
    private static KvRange RangeOf(ParseResult parse, Option<string?> prefix, Option<string?> from, Option<string?> to)
    {
        var p = parse.GetValue(prefix);
        var f = parse.GetValue(from);
        var t = parse.GetValue(to);
        if (p is not null && (f is not null || t is not null)) throw new ArgumentException("give --prefix or --from/--to, not both");
        if (p is not null) return KvRange.Prefix(p);
        return f is null && t is null ? KvRange.All : KvRange.Between(f, t);
    }

    private static (Option<string?> Prefix, Option<string?> From, Option<string?> To) RangeOptions(string what) =>
        (new Option<string?>("--prefix", "-p") { Description = $"{what} every key starting with this (\"\" = every key)" },
         new Option<string?>("--from") { Description = $"{what} keys from this one on (inclusive, ordinal order)" },
         new Option<string?>("--to") { Description = $"{what} keys before this one (exclusive)" });

    private static Command List(TextWriter output)
    {
        var (prefix, from, to) = RangeOptions("list");
        var after = new Option<string?>("--after") { Description = "start strictly after this key (paging: the last key printed)" };
        var limit = CliOptions.OptionalInt("--limit", $"print at most N keys (1..{DistSyncClient.MaxRangeLimit}); a note says when more remain. " +
                                                      "Without it every key is printed, read page by page", 1, DistSyncClient.MaxRangeLimit);
        var count = new Option<bool>("--count") { Description = "print only how many keys the range holds" };
        var consistency = new Option<string>("--consistency")
        {
            Description = "linearizable (through the leader's read index) or local (this node's replica, may be stale)",
            DefaultValueFactory = _ => "linearizable",
        };
        consistency.AcceptOnlyFromAmong("linearizable", "local");
        var list = new Command("list", "prints the keys of a range in ordinal order, one per line: key = value (version N)")
        {
            prefix, from, to, after, limit, count, consistency,
        };
        list.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var range = RangeOf(parse, prefix, from, to);
            var mode = parse.GetValue(consistency) == "local" ? ReadConsistency.Local : ReadConsistency.Linearizable;
            if (parse.GetValue(count))
            {
                var n = await client.CountAsync(range, parse.GetValue(after), mode, ct).ConfigureAwait(false);
                return await CliOutput.ResultAsync(parse, output, new KvRangeResponse([], false, 0, n), o => o.WriteLineAsync($"count: {n}")).ConfigureAwait(false);
            }
            KvRangeResponse answer;
            if (parse.GetValue(limit) is { } max)
            {
                answer = await client.RangeAsync(range, parse.GetValue(after), max, mode, ct).ConfigureAwait(false);
            }
            else
            {
                // Every page, as one answer: the revision is the first page's.
                var all = new List<KvGetResponse>();
                var first = await client.RangeAsync(range, parse.GetValue(after), DistSyncClient.DefaultListPage, mode, ct).ConfigureAwait(false);
                all.AddRange(first.Kvs);
                var page = first;
                while (page.More && page.Kvs.Count > 0)
                {
                    page = await client.RangeAsync(range, page.Kvs[^1].Key, DistSyncClient.DefaultListPage, mode, ct).ConfigureAwait(false);
                    all.AddRange(page.Kvs);
                }
                answer = new KvRangeResponse(all, false, first.Revision);
            }
            return await CliOutput.ResultAsync(parse, output, answer, async o =>
            {
                foreach (var kv in answer.Kvs) await o.WriteLineAsync(FormatKey(kv)).ConfigureAwait(false);
                if (answer.More) await o.WriteLineAsync($"(more keys: --after {CliText.Escape(answer.Kvs[^1].Key)})").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return list;
    }

    private static Command Watch(TextWriter output)
    {
        var (prefix, from, to) = RangeOptions("watch");
        var key = new Option<string?>("--key", "-k") { Description = "watch this one key" };
        var fromVersion = CliOptions.OptionalLong("--from-version", "replay the retained changes from this version on first (default: only changes after now)", min: 1);
        var prevValue = new Option<bool>("--prev-value") { Description = "also print each change's previous value" };
        var watch = new Command("watch", "prints each change of a range as it is committed, one line each: [version] put key = value | [version] delete key, " +
                                         "until Ctrl-C; -o json prints the API's event objects, one per line. A lost node is resumed on the next without a gap")
        {
            prefix, from, to, key, fromVersion, prevValue,
        };
        watch.SetAction(async (parse, ct) =>
        {
            var one = parse.GetValue(key);
            if (one is not null && (parse.GetValue(prefix) is not null || parse.GetValue(from) is not null || parse.GetValue(to) is not null))
                throw new ArgumentException("give --key, --prefix or --from/--to, not several");
            var range = one is not null ? KvRange.Key(one) : RangeOf(parse, prefix, from, to);
            using var client = DsyncCli.ClientFor(parse);
            return await WatchAsync(client, new WatchSettings(range, parse.GetValue(fromVersion), parse.GetValue(prevValue), CliOutput.IsJson(parse)),
                output, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
        });
        return watch;
    }

    private static Command Txn(TextWriter output)
    {
        var file = new Option<string>("--file", "-f") { Description = "the transaction as docs/KV.md's JSON: {\"compare\":[…],\"success\":[…],\"failure\":[…]} ('-' reads stdin)", Required = true };
        var txn = new Command("txn", $"runs a multi-key transaction and prints each result; exit code {ExitCodes.Ok} when the compares held, " +
                                     $"{ExitCodes.Conflict} when they did not (the failure branch ran)") { file };
        txn.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            KvTxnRequest? request;
            try
            {
                var text = path == "-" ? await Console.In.ReadToEndAsync(ct).ConfigureAwait(false) : await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
                request = JsonSerializer.Deserialize<KvTxnRequest>(text, DistSyncJson.Options);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.Usage, $"--file {path}: {e.Message}").ConfigureAwait(false);
            }
            if (request is null) return await CliOutput.FailAsync(parse, ExitCodes.Usage, $"--file {path}: the JSON is null, not a transaction").ConfigureAwait(false);
            using var client = DsyncCli.ClientFor(parse);
            var answer = await client.TxnAsync(request, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, answer, async o =>
            {
                await o.WriteLineAsync(answer.Succeeded ? $"succeeded (version {answer.Version})" : $"compares failed: the failure ops ran (version {answer.Version})")
                    .ConfigureAwait(false);
                foreach (var r in answer.Results) await o.WriteLineAsync(FormatResult(r)).ConfigureAwait(false);
            }, answer.Succeeded ? ExitCodes.Ok : ExitCodes.Conflict).ConfigureAwait(false);
        });
        return txn;
    }

    /// <summary>One transaction result as one line.</summary>
    public static string FormatResult(KvTxnOpResult r) => r.Op switch
    {
        "put" => $"put {CliText.Escape(r.Key ?? "")}: version {r.Version}",
        "delete" => $"delete {(r.Prefix is { } p ? "prefix " + CliText.Escape(p) : CliText.Escape(r.Key ?? ""))}: {r.Deleted} deleted",
        "get" when r.Found == true => $"get {CliText.Escape(r.Key ?? "")} = {CliText.Escape(r.Value ?? "")} (version {r.Version}, created {r.CreateVersion}" +
                                      (r.SessionId is { } s ? $", session {s})" : ")"),
        "get" => $"get {CliText.Escape(r.Key ?? "")}: not found",
        _ => $"{r.Op} {r.Key}",
    };
}
