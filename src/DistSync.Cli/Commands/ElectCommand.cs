using System.CommandLine;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Commands;

/// <summary>
/// <c>dsync elect &lt;name&gt;</c>: campaigns in a leader election (<see cref="DistSync.Client.Recipes.DistSyncElection"/>)
/// with a kept-alive session, prints a line once this process leads, holds until Ctrl-C, then resigns.
/// </summary>
public static class ElectCommand
{
    /// <summary>What to print once leading, as one JSON object with <c>-o json</c>.</summary>
    public sealed record Elected(string Election, string Key, string Value, long CreateVersion, string SessionId);

    public static Command Build(TextWriter output)
    {
        var name = new Argument<string>("name") { Description = "the election (candidates' keys live under election/{name}/)" };
        var value = new Option<string?>("--value") { Description = "what this candidate announces as leader (default: host:pid)" };
        var ttl = CliOptions.Duration("--ttl", "session TTL; the CLI keeps the session alive (every TTL/3); a crashed leader is replaced after it", "10s");
        var elect = new Command("elect", "campaigns in a leader election, prints a line when this process becomes leader, holds the leadership until Ctrl-C, " +
                                         $"then resigns; exit code {ExitCodes.NotFound} when the session was lost (the leadership with it)")
        {
            name, value, ttl,
        };
        elect.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            return await HoldAsync(client, parse.GetValue(name)!, parse.GetValue(value) ?? $"{Environment.MachineName}:{Environment.ProcessId}",
                ttl.ValueOf(parse), output, parse.InvocationConfiguration.Error, CliOutput.IsJson(parse), ct).ConfigureAwait(false);
        });
        return elect;
    }

    /// <summary>
    /// Starts a session, campaigns, prints the leadership, holds until <paramref name="ct"/> fires, then resigns and
    /// deletes the session. Returns 0 after resigning, <see cref="ExitCodes.NotFound"/> when the session was lost,
    /// <see cref="ExitCodes.Failed"/> when interrupted before leading.
    /// </summary>
    public static async Task<int> HoldAsync(DistSyncClient client, string name, string value, TimeSpan ttl, TextWriter output, TextWriter error, bool json,
        CancellationToken ct)
    {
        var election = client.Election(name);
        await using var session = await client.StartSessionAsync(ttl, "dsync-elect", CancellationToken.None).ConfigureAwait(false);
        await error.WriteLineAsync($"campaigning in '{name}' as '{value}' (session {session.SessionId}, TTL {HumanTime.Duration(session.Ttl)})").ConfigureAwait(false);
        Client.Recipes.DistSyncLeadership leadership;
        try
        {
            leadership = await election.CampaignAsync(session, value, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled while campaigning (the candidacy is withdrawn)").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (SessionLostException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.NotFound;
        }

        if (json) await output.WriteLineAsync(CliOutput.Json(new Elected(name, leadership.Key, leadership.Value, leadership.CreateVersion, leadership.SessionId))).ConfigureAwait(false);
        else await output.WriteLineAsync($"leader of '{name}' as '{leadership.Value}' (session {leadership.SessionId}, create version {leadership.CreateVersion}); " +
                                         "Ctrl-C resigns").ConfigureAwait(false);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, leadership.Lost);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.Lost.IsCancellationRequested)
        {
            await error.WriteLineAsync($"error: session {session.SessionId} lost ({session.LostReason?.Message}); no longer leader of '{name}'").ConfigureAwait(false);
            return ExitCodes.NotFound;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        var resigned = await leadership.ResignAsync(CancellationToken.None).ConfigureAwait(false);
        if (json) await output.WriteLineAsync(CliOutput.Json(new KvDeleteResponse(resigned))).ConfigureAwait(false);
        else await output.WriteLineAsync(resigned ? $"resigned from '{name}'" : $"the leadership of '{name}' was already gone").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
