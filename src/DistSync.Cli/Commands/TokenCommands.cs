using System.CommandLine;
using DistSync.Security;

namespace DistSync.Cli.Commands;

/// <summary>
/// <c>dsync token init-key|issue</c>: the cluster signing key and client tokens for nodes with
/// <c>dsync.security.enabled = on</c>. Both work offline on the key file; nothing is sent to a node. The key file is
/// <c>--key-file</c>, else <c>$DSYNC_TOKEN_KEY_FILE</c>, else <c>data/secrets/token.key</c>.
/// </summary>
public static class TokenCommands
{
    public const string DefaultKeyFile = "data/secrets/token.key";

    /// <summary>What <c>token issue -o json</c> prints.</summary>
    public sealed record IssuedToken(string Token, string Subject, string Role, string? Prefix, DateTimeOffset ExpiresAt);

    /// <summary>What <c>token init-key -o json</c> prints.</summary>
    public sealed record CreatedKey(string KeyFile);

    public static Command Build(TextWriter output)
    {
        var token = new Command("token", "client access tokens (JWT, HS256) for nodes with security on: make the cluster key, issue tokens");
        token.Subcommands.Add(InitKey(output));
        token.Subcommands.Add(Issue(output));
        return token;
    }

    private static Option<string?> KeyFileOption() =>
        new("--key-file") { Description = $"the cluster signing key (default $DSYNC_TOKEN_KEY_FILE, else {DefaultKeyFile}); the nodes' dsync.security.token-key-file" };

    private static string KeyFile(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) ?? (Environment.GetEnvironmentVariable("DSYNC_TOKEN_KEY_FILE") is { Length: > 0 } env ? env : DefaultKeyFile);

    /// <summary>A token lifetime: a number with s, m, h or d (tokens live hours or days, unlike the API's waits).</summary>
    public static TimeSpan? ParseLifetime(string text)
    {
        var t = text.Trim();
        if (t.Length < 2 || !double.TryParse(t[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
            return null;
        return t[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    private static Command InitKey(TextWriter output)
    {
        var keyFile = KeyFileOption();
        var init = new Command("init-key", "writes a new random cluster signing key (32 bytes, mode 0600); refuses to overwrite one") { keyFile };
        init.SetAction(async (parse, _) =>
        {
            var path = KeyFile(parse, keyFile);
            try
            {
                ClusterSigningKey.Create(path);
            }
            catch (IOException e)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.Conflict, e.Message).ConfigureAwait(false);
            }
            return await CliOutput.ResultAsync(parse, output, new CreatedKey(Path.GetFullPath(path)),
                o => o.WriteLineAsync($"wrote the cluster signing key to {Path.GetFullPath(path)}; give every node dsync.security.token-key-file = that file")).ConfigureAwait(false);
        });
        return init;
    }

    private static Command Issue(TextWriter output)
    {
        var keyFile = KeyFileOption();
        var role = new Option<string>("--role") { Description = "reader (gets, status, subscribe), writer (+ locks, queues, cache, KV writes, publish) or admin (+ cluster, raft, faults)", Required = true };
        role.AcceptOnlyFromAmong("reader", "writer", "admin");
        var prefix = new Option<string?>("--prefix") { Description = "restrict the token to lock resources, queues, keys and topics starting with this" };
        var subject = new Option<string?>("--subject") { Description = "who the token is for, as the audit log names it (default: the role)" };
        var ttl = new Option<TimeSpan>("--ttl")
        {
            Description = "how long the token is valid: 30m, 8h, 7d (default 24h)",
            DefaultValueFactory = _ => TimeSpan.FromHours(24),
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 0 ? "24h" : r.Tokens[^1].Value;
                if (ParseLifetime(text) is { } lifetime) return lifetime;
                r.AddError($"--ttl expects a positive duration like 30m, 8h or 7d, got '{text}'");
                return default;
            },
        };
        var issue = new Command("issue", "prints a token signed with the cluster key; pass it with --token or $DSYNC_TOKEN") { keyFile, role, prefix, subject, ttl };
        issue.SetAction(async (parse, _) =>
        {
            var path = KeyFile(parse, keyFile);
            Microsoft.IdentityModel.Tokens.SymmetricSecurityKey key;
            try
            {
                key = ClusterSigningKey.Load(path);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.NotFound, e.Message).ConfigureAwait(false);
            }
            AccessRoles.TryParse(parse.GetValue(role), out var granted);
            var who = parse.GetValue(subject) ?? AccessRoles.Name(granted);
            var lifetime = parse.GetValue(ttl);
            var now = DateTime.UtcNow;
            var jwt = ClientTokens.Issue(key, who, granted, parse.GetValue(prefix), lifetime, now);
            var issued = new IssuedToken(jwt, who, AccessRoles.Name(granted), parse.GetValue(prefix), new DateTimeOffset(now + lifetime));
            return await CliOutput.ResultAsync(parse, output, issued, o => o.WriteLineAsync(jwt)).ConfigureAwait(false);
        });
        return issue;
    }
}
