using System.Text.Json;
using DistSync.Cli.Commands;
using DistSync.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using static DistSync.Cli.Tests.CliHarness;

namespace DistSync.Cli.Tests;

/// <summary><c>dsync token init-key|issue</c> and <c>--token</c> against a node with security on (issue 19).</summary>
public sealed class DsyncTokenCliSpec : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "dsync-cli-tests", Guid.NewGuid().ToString("N"));
    private string KeyFile => Path.Combine(dir, "secrets", "token.key");

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Init_key_writes_an_owner_only_key_once_and_refuses_to_overwrite_it()
    {
        Assert.Equal(0, (await Run("token", "init-key", "--key-file", KeyFile)).Code);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        var before = await File.ReadAllTextAsync(KeyFile);
        var again = await Run("token", "init-key", "--key-file", KeyFile);
        Assert.Equal(ExitCodes.Conflict, again.Code);
        Assert.Contains("exists already", again.Err, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(KeyFile));
    }

    [Fact]
    public async Task An_issued_token_validates_with_the_key_and_carries_role_prefix_subject_and_expiry()
    {
        await Run("token", "init-key", "--key-file", KeyFile);
        var (code, output, _) = await Run("token", "issue", "--key-file", KeyFile, "--role", "writer", "--prefix", "app/", "--subject", "billing", "--ttl", "2h", "-o", "json");
        Assert.Equal(0, code);
        var issued = JsonSerializer.Deserialize<TokenCommands.IssuedToken>(output, DistSync.Client.DistSyncJson.Options)!;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(issued.Token,
            ClientTokens.ValidationParameters(ClusterSigningKey.Load(KeyFile), TimeSpan.Zero));
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("writer", result.Claims[ClientTokens.RoleClaim]);
        Assert.Equal("app/", result.Claims[ClientTokens.PrefixClaim]);
        Assert.Equal("billing", result.Claims["sub"]);
        Assert.InRange(issued.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(119), TimeSpan.FromMinutes(121));
    }

    [Fact]
    public async Task Issue_without_a_key_file_or_with_an_unknown_role_fails_clearly()
    {
        var missing = await Run("token", "issue", "--key-file", KeyFile, "--role", "reader");
        Assert.Equal(ExitCodes.NotFound, missing.Code);
        Assert.Contains("does not exist", missing.Err, StringComparison.Ordinal);
        await Run("token", "init-key", "--key-file", KeyFile);
        Assert.Equal(ExitCodes.Usage, (await Run("token", "issue", "--key-file", KeyFile, "--role", "root")).Code);
    }

    [Fact]
    public async Task Against_a_secured_node_no_token_and_a_token_outside_its_prefix_exit_denied_and_the_right_token_works()
    {
        await Run("token", "init-key", "--key-file", KeyFile);
        await using var nodes = await LocalNodes.StartAsync(1, $$"""security { enabled = on, token-key-file = "{{KeyFile.Replace("\\", "/")}}" }""");
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        var token = (await Run("token", "issue", "--key-file", KeyFile, "--role", "writer", "--prefix", "app/")).Out.Trim();

        var none = await Run("kv", "put", "app/a", "1", "--node", node);
        Assert.Equal(ExitCodes.Denied, none.Code);
        Assert.Contains("Bearer", none.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await Run("kv", "put", "app/a", "1", "--node", node, "--token", token)).Code);
        var outside = await Run("kv", "put", "other", "1", "--node", node, "--token", token);
        Assert.Equal(ExitCodes.Denied, outside.Code);
        Assert.Contains("outside the token's prefix", outside.Err, StringComparison.Ordinal);

        var tokenFile = Path.Combine(dir, "writer.token");
        await File.WriteAllTextAsync(tokenFile, token + "\n");
        var viaFile = await Run("kv", "get", "app/a", "--node", node, "--token", "@" + tokenFile);
        Assert.Equal(0, viaFile.Code);
        Assert.Contains("1", viaFile.Out, StringComparison.Ordinal);
    }
}
