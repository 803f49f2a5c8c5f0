using System.CommandLine;
using DistSync.Client.Contracts;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync status</c>: one node's own view: role, term, leader, indexes; <c>dsync health</c>: GET /health.</summary>
public static class StatusCommand
{
    public static Command Build(TextWriter output)
    {
        var status = new Command("status", "the node's role, term, leader and commit/applied index (-o json: the GET /status answer)");
        status.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var s = await client.GetStatusAsync(ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, s, console =>
            {
                console.WriteLine($"node:         {s.NodeId}");
                console.WriteLine($"role:         {s.Role}");
                console.WriteLine($"term:         {s.Term}");
                console.WriteLine($"leader:       {s.Leader ?? "none"}");
                console.WriteLine($"commit index: {s.CommitIndex}");
                console.WriteLine($"last applied: {s.LastApplied}");
                console.WriteLine($"members:      {s.Members.Count(m => m.Status == "up")} up of {s.Members.Count}");
            }).ConfigureAwait(false);
        });
        return status;
    }

    /// <summary><c>dsync health</c>: exit code 0 when the node is up and sees a leader, <see cref="ExitCodes.Unavailable"/> when it answers 503.</summary>
    public static Command Health(TextWriter output)
    {
        var health = new Command("health", $"asks GET /health: exit code 0 when the node is up and sees a leader, {ExitCodes.Unavailable} when not (503) or unreachable");
        health.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var (healthy, body) = await client.GetHealthAsync(ct).ConfigureAwait(false);
            var answer = body ?? new HealthResponse(healthy ? "ok" : "unavailable");
            return await CliOutput.ResultAsync(parse, output, answer,
                o => o.WriteLineAsync($"{client.BaseAddress.Authority}: {(healthy ? "ok" : $"not healthy ({answer.Status})")}"),
                healthy ? ExitCodes.Ok : ExitCodes.Unavailable).ConfigureAwait(false);
        });
        return health;
    }
}
