using System.Text.Json;
using DistSync.Cli.Commands;
using DistSync.Security;
using static DistSync.Cli.Tests.CliHarness;

namespace DistSync.Cli.Tests;

/// <summary><c>dsync datakey init|rotate</c>: the data keyring of encryption at rest, offline on its file.</summary>
public sealed class DsyncDataKeyCliSpec : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "dsync-cli-tests", Guid.NewGuid().ToString("N"));
    private string KeyFile => Path.Combine(dir, "secrets", "data.key");

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Init_writes_an_owner_only_keyring_once_and_refuses_to_overwrite_it()
    {
        var (code, output, _) = await Run("datakey", "init", "--file", KeyFile, "-o", "json");
        Assert.Equal(0, code);
        var info = JsonSerializer.Deserialize<DataKeyCommands.DataKeyringInfo>(output, DistSync.Client.DistSyncJson.Options)!;
        Assert.Equal(Path.GetFullPath(KeyFile), info.File);
        Assert.Equal(1u, info.CurrentKeyId);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));

        var before = await File.ReadAllTextAsync(KeyFile);
        var again = await Run("datakey", "init", "--file", KeyFile);
        Assert.Equal(ExitCodes.Conflict, again.Code);
        Assert.Contains("exists already", again.Err, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(KeyFile));
    }

    [Fact]
    public async Task Rotate_makes_a_new_key_current_keeps_the_old_one_and_prints_no_key_material()
    {
        await Run("datakey", "init", "--file", KeyFile);
        var sealedBefore = SealWith(KeyFile);

        var (code, output, _) = await Run("datakey", "rotate", "--file", KeyFile);
        Assert.Equal(0, code);
        Assert.Contains("key 2 is current", output, StringComparison.Ordinal);
        using var keyring = DataKeyring.Load(KeyFile);
        Assert.Equal(2u, keyring.CurrentKeyId);
        Assert.Equal("kept"u8.ToArray(), keyring.Decrypt(sealedBefore, "spec"u8, "spec record"));
        foreach (var key in JsonDocument.Parse(await File.ReadAllTextAsync(KeyFile)).RootElement.GetProperty("keys").EnumerateArray())
            Assert.DoesNotContain(key.GetProperty("key").GetString()!, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_without_a_keyring_fails_and_says_how_to_make_one()
    {
        var missing = await Run("datakey", "rotate", "--file", KeyFile);
        Assert.Equal(ExitCodes.NotFound, missing.Code);
        Assert.Contains("dsync datakey init", missing.Err, StringComparison.Ordinal);
    }

    private static byte[] SealWith(string file)
    {
        using var keyring = DataKeyring.Load(file);
        return keyring.Encrypt("kept"u8, "spec"u8);
    }
}
