using System.CommandLine;
using System.Globalization;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync lock acquire|release|status|list</c>: the distributed lock service.</summary>
public static class LockCommands
{
    public static Command Build(TextWriter output)
    {
        var lockCommand = new Command("lock", "distributed shared/exclusive locks with fencing tokens");
        lockCommand.Subcommands.Add(Acquire(output));
        lockCommand.Subcommands.Add(Release(output));
        lockCommand.Subcommands.Add(Status(output));
        lockCommand.Subcommands.Add(List(output));
        return lockCommand;
    }

    /// <summary>
    /// Starts a kept-alive session (<see cref="DistSyncClient.StartSessionAsync"/>), acquires <paramref name="resource"/>,
    /// prints the fencing token, holds until <paramref name="ct"/> fires (Ctrl-C), then releases and deletes the
    /// session. With <paramref name="json"/> the grant and then the release are printed as one JSON object each.
    /// Returns the exit code: 0 held and released, <see cref="ExitCodes.Conflict"/> not granted,
    /// <see cref="ExitCodes.NotFound"/> the session was lost while holding, <see cref="ExitCodes.Failed"/> interrupted while waiting.
    /// </summary>
    public static async Task<int> HoldAsync(DistSyncClient client, string resource, bool shared, TimeSpan wait, TimeSpan ttl,
        TextWriter output, TextWriter error, CancellationToken ct, bool json = false)
    {
        await using var session = await client.StartSessionAsync(ttl, "dsync-cli", CancellationToken.None).ConfigureAwait(false);
        AcquireResponse granted;
        try
        {
            granted = await client.AcquireAsync(resource, session.SessionId, shared ? LockAccess.Shared : LockAccess.Exclusive, wait, ct: ct).ConfigureAwait(false);
        }
        catch (LockNotGrantedException e)
        {
            await error.WriteLineAsync($"error: '{resource}' not granted: {e.Reason}{ReleasedNote(e)}").ConfigureAwait(false);
            return ExitCodes.Conflict;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled while waiting").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        if (json)
        {
            await output.WriteLineAsync(CliOutput.Json(granted)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"fencing token: {granted.FencingToken}").ConfigureAwait(false);
            await output.WriteLineAsync($"holding '{resource}' ({granted.Mode}) in session {session.SessionId} (TTL {HumanTime.Duration(session.Ttl)}, " +
                                        "kept alive); Ctrl-C releases").ConfigureAwait(false);
        }
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Lost);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.Lost.IsCancellationRequested)
        {
            await error.WriteLineAsync($"error: session {session.SessionId} lost ({session.LostReason?.Message}); '{resource}' is no longer held").ConfigureAwait(false);
            return ExitCodes.NotFound;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        var released = await client.ReleaseAsync(resource, session.SessionId, CancellationToken.None).ConfigureAwait(false);
        if (json) await output.WriteLineAsync(CliOutput.Json(new ReleaseResponse(released))).ConfigureAwait(false);
        else await output.WriteLineAsync(released ? $"released '{resource}'" : $"'{resource}' was no longer held").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>Parses "500ms", "5s", "2m" or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        var t = text.Trim();
        double Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw new ArgumentException($"{option}: '{text}' is not a duration (e.g. 500ms, 5s, 2m)");
        if (t.EndsWith("ms", StringComparison.Ordinal)) return TimeSpan.FromMilliseconds(Number(t[..^2]));
        if (t.EndsWith('s')) return TimeSpan.FromSeconds(Number(t[..^1]));
        if (t.EndsWith('m')) return TimeSpan.FromMinutes(Number(t[..^1]));
        return TimeSpan.FromSeconds(Number(t));
    }

    private static Command Acquire(TextWriter output)
    {
        var resource = new Argument<string>("resource") { Description = "the resource to lock" };
        var shared = new Option<bool>("--shared") { Description = "a shared (read) lock instead of exclusive" };
        var wait = CliOptions.Duration("--wait", "how long to wait for the lock (0 = try once; a bare number is seconds)", "5s");
        var ttl = CliOptions.Duration("--ttl", "session TTL; the CLI keeps the session alive (every TTL/3) while holding", "10s");
        var session = new Option<string?>("--session")
        {
            Description = "acquire for this existing session, print the token and exit (no hold, no keepalive)",
        };
        var txn = new Option<string?>("--txn") { Description = "transaction id, with --session: a wait-for cycle among transactions aborts the youngest (409 deadlock)" };
        var acquire = new Command("acquire", $"acquires the lock, prints the fencing token and holds it until Ctrl-C, then releases; " +
                                             $"exit code {ExitCodes.Conflict} when not granted (timeout, deadlock, conflict)")
        {
            resource, shared, wait, ttl, session, txn,
        };
        acquire.SetAction(async (parse, ct) =>
        {
            var waitFor = wait.ValueOf(parse);
            using var client = DsyncCli.ClientFor(parse, longerBy: waitFor);
            var name = parse.GetValue(resource)!;
            var access = parse.GetValue(shared) ? LockAccess.Shared : LockAccess.Exclusive;
            if (parse.GetValue(session) is { Length: > 0 } sessionId)
            {
                try
                {
                    var granted = await client.AcquireAsync(name, sessionId, access, waitFor, parse.GetValue(txn), ct).ConfigureAwait(false);
                    return await CliOutput.ResultAsync(parse, output, granted, o => o.WriteLineAsync($"fencing token: {granted.FencingToken}")).ConfigureAwait(false);
                }
                catch (LockNotGrantedException e)
                {
                    return await CliOutput.FailAsync(parse, ExitCodes.Conflict, $"'{name}' not granted: {e.Reason}{ReleasedNote(e)}").ConfigureAwait(false);
                }
            }
            if (parse.GetValue(txn) is not null) throw new ArgumentException("--txn needs --session (a held lock's session has no other transaction)");
            return await HoldAsync(client, name, parse.GetValue(shared), waitFor, ttl.ValueOf(parse), output, parse.InvocationConfiguration.Error, ct,
                CliOutput.IsJson(parse)).ConfigureAwait(false);
        });
        return acquire;
    }

    private static Command Release(TextWriter output)
    {
        var resource = new Argument<string>("resource") { Description = "the resource to release" };
        var session = new Option<string>("--session") { Description = "the session holding the lock", Required = true };
        var release = new Command("release", $"releases the session's hold; exit code {ExitCodes.NotFound} when it did not hold the lock") { resource, session };
        release.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var name = parse.GetValue(resource)!;
            if (!await client.ReleaseAsync(name, parse.GetValue(session)!, ct).ConfigureAwait(false))
                return await CliOutput.FailAsync(parse, ExitCodes.NotFound, $"session {parse.GetValue(session)} does not hold '{name}'").ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, new ReleaseResponse(true), o => o.WriteLineAsync($"released '{name}'")).ConfigureAwait(false);
        });
        return release;
    }

    private static Command Status(TextWriter output)
    {
        var resource = new Argument<string>("resource") { Description = "the resource" };
        var status = new Command("status", "prints the resource's mode, holders (token, how long held) and waiters (linearizable)") { resource };
        status.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var answer = await client.GetLockStatusAsync(parse.GetValue(resource)!, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, answer, o => WriteStatusAsync(o, answer, DateTimeOffset.Now)).ConfigureAwait(false);
        });
        return status;
    }

    private static Command List(TextWriter output)
    {
        var list = new Command("list", "prints every held or awaited resource (linearizable)");
        list.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var all = await client.ListLocksAsync(ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, all, async o =>
            {
                if (all.Count == 0) await o.WriteLineAsync("no locks held or awaited").ConfigureAwait(false);
                var now = DateTimeOffset.Now;
                foreach (var s in all) await WriteStatusAsync(o, s, now).ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return list;
    }

    private static async Task WriteStatusAsync(TextWriter output, LockStatusResponse status, DateTimeOffset now)
    {
        await output.WriteLineAsync($"{status.Resource}: {status.Mode}").ConfigureAwait(false);
        foreach (var h in status.Holders)
        {
            await output.WriteLineAsync($"  holder {h.SessionId} {h.Mode} token {h.FencingToken} held {HumanTime.Ago(h.SinceMs, now)} " +
                                        $"(since {HumanTime.Timestamp(h.SinceMs)}){Txn(h.TxnId)}").ConfigureAwait(false);
        }
        foreach (var w in status.Waiters)
            await output.WriteLineAsync($"  waiter {w.SessionId} {w.Mode}{Txn(w.TxnId)}").ConfigureAwait(false);
    }

    private static string Txn(string? txnId) => string.IsNullOrEmpty(txnId) ? "" : $" txn {txnId}";

    /// <summary>A deadlock abort released the transaction's other holds: say which, the user no longer holds them.</summary>
    private static string ReleasedNote(LockNotGrantedException e) =>
        e.Released.Count == 0 ? "" : $"; the aborted transaction no longer holds: {string.Join(", ", e.Released)}";
}
