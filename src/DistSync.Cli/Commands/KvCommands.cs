using System.CommandLine;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync kv get|put|delete</c>: the replicated key-value store.</summary>
public static class KvCommands
{
    public static Command Build(TextWriter output)
    {
        var kv = new Command("kv", "the replicated key-value store (linearizable, compare-and-set)");
        kv.Subcommands.Add(Get(output));
        kv.Subcommands.Add(Put(output));
        kv.Subcommands.Add(Delete(output));
        return kv;
    }

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
        var put = new Command("put", $"writes the value; prints the new version; exit code {ExitCodes.Conflict} when --expected-version does not match " +
                                     "(the error says the key's current version)") { key, value, expected };
        put.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var written = await client.PutAsync(parse.GetValue(key)!, parse.GetValue(value)!, parse.GetValue(expected), ct).ConfigureAwait(false);
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
}
