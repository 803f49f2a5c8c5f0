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
    /// Creates a session, acquires <paramref name="resource"/>, prints the fencing token, keeps the session alive
    /// (every ttl/3) until <paramref name="ct"/> fires (Ctrl-C), then releases and deletes the session. Returns the
    /// exit code: 0 held and released, 1 not granted or the session was lost while holding.
    /// </summary>
    public static async Task<int> HoldAsync(DistSyncClient client, string resource, bool shared, TimeSpan wait, TimeSpan ttl,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        var session = await client.CreateSessionAsync(ttl, "dsync-cli", CancellationToken.None).ConfigureAwait(false);
        var code = 0;
        try
        {
            AcquireResponse granted;
            try
            {
                granted = await client.AcquireAsync(resource, session.SessionId, shared ? LockAccess.Shared : LockAccess.Exclusive, wait, ct: ct).ConfigureAwait(false);
            }
            catch (LockNotGrantedException e)
            {
                await error.WriteLineAsync($"error: '{resource}' not granted: {e.Reason}{ReleasedNote(e)}").ConfigureAwait(false);
                return 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await error.WriteLineAsync("cancelled while waiting").ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync($"fencing token: {granted.FencingToken}").ConfigureAwait(false);
            await output.WriteLineAsync($"holding '{resource}' ({granted.Mode}) in session {session.SessionId}; Ctrl-C releases").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            var every = TimeSpan.FromMilliseconds(Math.Max(100, ttl.TotalMilliseconds / 3));
            try
            {
                while (true)
                {
                    await Task.Delay(every, ct).ConfigureAwait(false);
                    try
                    {
                        await client.KeepAliveAsync(session.SessionId, ct).ConfigureAwait(false);
                    }
                    catch (DistSyncApiException e) when (e is not SessionNotFoundException)
                    {
                        // A failover or a busy node: try again next period; the TTL covers a few misses.
                        await error.WriteLineAsync($"warning: keepalive failed: {e.Message}").ConfigureAwait(false);
                    }
                    catch (NodeUnreachableException e)
                    {
                        await error.WriteLineAsync($"warning: keepalive failed: {e.Message}").ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                var released = await client.ReleaseAsync(resource, session.SessionId, CancellationToken.None).ConfigureAwait(false);
                await output.WriteLineAsync(released ? $"released '{resource}'" : $"'{resource}' was no longer held").ConfigureAwait(false);
            }
            catch (SessionNotFoundException)
            {
                await error.WriteLineAsync($"error: session {session.SessionId} expired; '{resource}' is no longer held").ConfigureAwait(false);
                code = 1;
            }
        }
        finally
        {
            await client.DeleteSessionAsync(session.SessionId, CancellationToken.None).ConfigureAwait(false);
        }
        return code;
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
        var wait = new Option<string>("--wait") { Description = "how long to wait for the lock (0 = try once)", DefaultValueFactory = _ => "5s" };
        var ttl = new Option<string>("--ttl") { Description = "session TTL; the CLI keeps it alive while holding", DefaultValueFactory = _ => "10s" };
        var session = new Option<string?>("--session")
        {
            Description = "acquire for this existing session, print the token and exit (no hold, no keepalive)",
        };
        var acquire = new Command("acquire", "acquires the lock, prints the fencing token and holds it until Ctrl-C, then releases")
        {
            resource, shared, wait, ttl, session,
        };
        acquire.SetAction(async (parse, ct) =>
        {
            var waitFor = ParseDuration(parse.GetValue(wait)!, "--wait");
            var ttlOf = ParseDuration(parse.GetValue(ttl)!, "--ttl");
            var timeout = TimeSpan.FromSeconds(parse.GetValue(DsyncCli.TimeoutOption));
            using var client = new DistSyncClient(parse.GetValue(DsyncCli.NodeOption)!, waitFor + timeout);
            var name = parse.GetValue(resource)!;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(session) is { Length: > 0 } sessionId)
            {
                try
                {
                    var granted = await client.AcquireAsync(name, sessionId, parse.GetValue(shared) ? LockAccess.Shared : LockAccess.Exclusive, waitFor, ct: ct).ConfigureAwait(false);
                    await output.WriteLineAsync($"fencing token: {granted.FencingToken}").ConfigureAwait(false);
                    return 0;
                }
                catch (LockNotGrantedException e)
                {
                    await error.WriteLineAsync($"error: '{name}' not granted: {e.Reason}{ReleasedNote(e)}").ConfigureAwait(false);
                    return 1;
                }
            }
            return await HoldAsync(client, name, parse.GetValue(shared), waitFor, ttlOf, output, error, ct).ConfigureAwait(false);
        });
        return acquire;
    }

    private static Command Release(TextWriter output)
    {
        var resource = new Argument<string>("resource") { Description = "the resource to release" };
        var session = new Option<string>("--session") { Description = "the session holding the lock", Required = true };
        var release = new Command("release", "releases the session's hold; exit code 1 when it did not hold the lock") { resource, session };
        release.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var name = parse.GetValue(resource)!;
            if (await client.ReleaseAsync(name, parse.GetValue(session)!, ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync($"released '{name}'").ConfigureAwait(false);
                return 0;
            }
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: session {parse.GetValue(session)} does not hold '{name}'").ConfigureAwait(false);
            return 1;
        });
        return release;
    }

    private static Command Status(TextWriter output)
    {
        var resource = new Argument<string>("resource") { Description = "the resource" };
        var status = new Command("status", "prints the resource's mode, holders and waiters (linearizable)") { resource };
        status.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            await WriteStatusAsync(output, await client.GetLockStatusAsync(parse.GetValue(resource)!, ct).ConfigureAwait(false)).ConfigureAwait(false);
            return 0;
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
            if (all.Count == 0) await output.WriteLineAsync("no locks held or awaited").ConfigureAwait(false);
            foreach (var s in all) await WriteStatusAsync(output, s).ConfigureAwait(false);
            return 0;
        });
        return list;
    }

    private static async Task WriteStatusAsync(TextWriter output, LockStatusResponse status)
    {
        await output.WriteLineAsync($"{status.Resource}: {status.Mode}").ConfigureAwait(false);
        foreach (var h in status.Holders)
            await output.WriteLineAsync($"  holder {h.SessionId} {h.Mode} token {h.FencingToken} since {h.SinceMs} txn {h.TxnId}").ConfigureAwait(false);
        foreach (var w in status.Waiters)
            await output.WriteLineAsync($"  waiter {w.SessionId} {w.Mode} txn {w.TxnId}").ConfigureAwait(false);
    }

    /// <summary>A deadlock abort released the transaction's other holds: say which, the user no longer holds them.</summary>
    private static string ReleasedNote(LockNotGrantedException e) =>
        e.Released.Count == 0 ? "" : $"; the aborted transaction no longer holds: {string.Join(", ", e.Released)}";
}
