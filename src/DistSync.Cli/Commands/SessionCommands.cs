using System.CommandLine;
using DistSync.Client.Contracts;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary>
/// <c>dsync session create|keepalive|delete|list</c>. The API has no route listing sessions, so <c>list</c> shows
/// the sessions <c>GET /lock/list</c> names (those holding or awaiting a lock); an idle session is not there.
/// </summary>
public static class SessionCommands
{
    /// <summary>What <c>session delete -o json</c> prints.</summary>
    public sealed record SessionDeleted(string SessionId, bool Deleted);

    /// <summary>One session as <c>session list</c> derives it from the lock table.</summary>
    public sealed record SessionLocks(string SessionId, IReadOnlyList<SessionHold> Holds, IReadOnlyList<SessionWait> Waits);

    /// <summary>A lock the session holds: <see cref="SinceMs"/> is the grant's log time (Unix ms).</summary>
    public sealed record SessionHold(string Resource, string Mode, long FencingToken, long SinceMs);

    /// <summary>A lock the session waits for.</summary>
    public sealed record SessionWait(string Resource, string Mode);

    public static Command Build(TextWriter output)
    {
        var session = new Command("session", "sessions: every lock, lease and subscription hangs on one; it ends when not kept alive for its TTL");
        session.Subcommands.Add(Create(output));
        session.Subcommands.Add(KeepAlive(output));
        session.Subcommands.Add(Delete(output));
        session.Subcommands.Add(List(output));
        return session;
    }

    /// <summary>The sessions named by holders and waiters, in order of first appearance.</summary>
    public static IReadOnlyList<SessionLocks> FromLocks(IEnumerable<LockStatusResponse> locks)
    {
        var holds = new Dictionary<string, List<SessionHold>>();
        var waits = new Dictionary<string, List<SessionWait>>();
        var order = new List<string>();
        void Seen(string id)
        {
            if (holds.ContainsKey(id)) return;
            holds[id] = [];
            waits[id] = [];
            order.Add(id);
        }
        foreach (var l in locks)
        {
            foreach (var h in l.Holders)
            {
                Seen(h.SessionId);
                holds[h.SessionId].Add(new SessionHold(l.Resource, h.Mode, h.FencingToken, h.SinceMs));
            }
            foreach (var w in l.Waiters)
            {
                Seen(w.SessionId);
                waits[w.SessionId].Add(new SessionWait(l.Resource, w.Mode));
            }
        }
        return order.Select(id => new SessionLocks(id, holds[id], waits[id])).ToList();
    }

    private static Command Create(TextWriter output)
    {
        var ttl = CliOptions.Duration("--ttl", "expires this long after its creation or last keepalive", "10s");
        var clientId = new Option<string?>("--client-id") { Description = "an optional name of the client, kept with the session" };
        var create = new Command("create", "creates a session and prints its id (it is not kept alive: use 'session keepalive', or 'lock acquire' without --session)")
        {
            ttl, clientId,
        };
        create.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var created = await client.CreateSessionAsync(ttl.ValueOf(parse), parse.GetValue(clientId), ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, created, async o =>
            {
                await o.WriteLineAsync(created.SessionId).ConfigureAwait(false);
                await o.WriteLineAsync($"ttl: {HumanTime.Milliseconds(created.TtlMs)}").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return create;
    }

    private static Command KeepAlive(TextWriter output)
    {
        var id = new Argument<string>("session") { Description = "the session id" };
        var keepAlive = new Command("keepalive", $"renews the session's TTL once; exit code {ExitCodes.NotFound} when it already expired") { id };
        keepAlive.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var kept = await client.KeepAliveAsync(parse.GetValue(id)!, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, kept,
                o => o.WriteLineAsync($"session {kept.SessionId} expires in {HumanTime.Milliseconds(kept.ExpiresInMs)}")).ConfigureAwait(false);
        });
        return keepAlive;
    }

    private static Command Delete(TextWriter output)
    {
        var id = new Argument<string>("session") { Description = "the session id" };
        var delete = new Command("delete", $"deletes the session: its locks are released, its waits cancelled, its leased messages returned; " +
                                           $"exit code {ExitCodes.NotFound} when there was no such session") { id };
        delete.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var sessionId = parse.GetValue(id)!;
            if (!await client.DeleteSessionAsync(sessionId, ct).ConfigureAwait(false))
                return await CliOutput.FailAsync(parse, ExitCodes.NotFound, $"no session '{sessionId}' (expired or deleted)").ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, new SessionDeleted(sessionId, true), o => o.WriteLineAsync($"deleted session {sessionId}")).ConfigureAwait(false);
        });
        return delete;
    }

    private static Command List(TextWriter output)
    {
        var list = new Command("list", "sessions that hold or await a lock, from GET /lock/list (the API has no session list: idle sessions are not shown)");
        list.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var sessions = FromLocks(await client.ListLocksAsync(ct).ConfigureAwait(false));
            var now = DateTimeOffset.Now;
            return await CliOutput.ResultAsync(parse, output, sessions, console =>
            {
                if (sessions.Count == 0)
                {
                    console.WriteLine("no session holds or awaits a lock");
                    return;
                }
                var table = new Table().AddColumns("session", "holds", "waits for");
                foreach (var s in sessions)
                {
                    table.AddRow(
                        Markup.Escape(s.SessionId),
                        Markup.Escape(string.Join(", ", s.Holds.Select(h => $"{h.Resource} ({h.Mode}, token {h.FencingToken}, held {HumanTime.Ago(h.SinceMs, now)})"))),
                        Markup.Escape(string.Join(", ", s.Waits.Select(w => $"{w.Resource} ({w.Mode})"))));
                }
                console.Write(table);
            }).ConfigureAwait(false);
        });
        return list;
    }
}
