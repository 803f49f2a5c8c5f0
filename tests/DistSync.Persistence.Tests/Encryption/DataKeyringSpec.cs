using System.Text;
using DistSync.Security;

namespace DistSync.Persistence.Tests.Encryption;

/// <summary>The data keyring: its file, rotation, the sealed record format and how a bad record is refused.</summary>
public sealed class DataKeyringSpec : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string KeyFile => Path.Combine(_dir.Path, "secrets", "data.key");

    [Fact]
    public void A_new_keyring_is_written_readable_only_by_its_owner_and_never_over_an_existing_one()
    {
        using (var created = DataKeyring.Create(KeyFile)) Assert.Equal(1u, created.CurrentKeyId);

        AssertOwnerOnly(KeyFile);
        var again = Assert.Throws<IOException>(() => DataKeyring.Create(KeyFile));
        Assert.Contains("datakey rotate", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rotation_adds_a_current_key_and_keeps_the_old_ones_in_a_file_still_private()
    {
        DataKeyring.Create(KeyFile).Dispose();
        DataKeyring.Rotate(KeyFile).Dispose();
        using var rotated = DataKeyring.Rotate(KeyFile);

        Assert.Equal(3u, rotated.CurrentKeyId);
        Assert.Equal(new uint[] { 1, 2, 3 }, rotated.KeyIds);
        AssertOwnerOnly(KeyFile);
        Assert.False(File.Exists(KeyFile + ".rotating"));
    }

    [Fact]
    public void A_record_names_its_key_and_opens_after_rotation()
    {
        byte[] record;
        using (var keyring = DataKeyring.Create(KeyFile)) record = keyring.Encrypt("secret value"u8, "place"u8);
        Assert.Equal(1u, DataKeyring.KeyIdOf(record));
        Assert.Equal(DataKeyring.RecordVersion, record[0]);
        Assert.Equal("secret value".Length + DataKeyring.Overhead, record.Length);

        using var rotated = DataKeyring.Rotate(KeyFile);
        Assert.Equal("secret value", Encoding.UTF8.GetString(rotated.Decrypt(record, "place"u8, "spec record")));
        Assert.Equal(2u, DataKeyring.KeyIdOf(rotated.Encrypt("x"u8, "place"u8)));
    }

    [Fact]
    public void Two_seals_of_the_same_plaintext_differ()
    {
        using var keyring = DataKeyring.Create(KeyFile);
        Assert.NotEqual(keyring.Encrypt("same"u8, "place"u8), keyring.Encrypt("same"u8, "place"u8));
    }

    [Fact]
    public void A_record_read_at_another_place_fails_like_an_altered_one()
    {
        using var keyring = DataKeyring.Create(KeyFile);
        var record = keyring.Encrypt("value"u8, "orders#1"u8);

        var moved = Assert.Throws<DataDecryptionException>(() => keyring.Decrypt(record, "orders#2"u8, "journal record orders#2"));
        Assert.Equal("journal record orders#2", moved.Record);
        Assert.Equal(1u, moved.KeyId);
        record[^1] ^= 0x80;
        Assert.Throws<DataDecryptionException>(() => keyring.Decrypt(record, "orders#1"u8, "journal record orders#1"));
    }

    [Fact]
    public void A_truncated_record_or_an_unknown_version_is_refused_with_the_records_name()
    {
        using var keyring = DataKeyring.Create(KeyFile);
        var record = keyring.Encrypt("value"u8, "p"u8);

        Assert.Contains("shorter", Assert.Throws<DataDecryptionException>(() => keyring.Decrypt(record.AsSpan(0, 20), "p"u8, "r")).Message, StringComparison.Ordinal);
        record[0] = 9;
        Assert.Contains("version 9", Assert.Throws<DataDecryptionException>(() => keyring.Decrypt(record, "p"u8, "r")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_about_a_malformed_or_missing_keyring_never_quote_key_material()
    {
        Assert.Contains("datakey init", Assert.Throws<FileNotFoundException>(() => DataKeyring.Load(KeyFile)).Message, StringComparison.Ordinal);
        DataKeyring.Create(KeyFile).Dispose();
        var text = File.ReadAllText(KeyFile);
        var key = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("keys")[0].GetProperty("key").GetString()!;
        var broken = Path.Combine(_dir.Path, "broken.key");
        File.WriteAllText(broken, text.Replace("\"current\": 1", "\"current\": \"" + key + "\"", StringComparison.Ordinal));

        var refused = Assert.Throws<InvalidDataException>(() => DataKeyring.Load(broken));
        Assert.Contains(broken, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, refused.Message, StringComparison.Ordinal);
    }

    private static void AssertOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows()) return; // no Unix modes there; SecretFile leaves ACLs to the folder
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    public void Dispose() => _dir.Dispose();
}
