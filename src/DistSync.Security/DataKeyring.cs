using System.Buffers.Binary;
using System.Security.Cryptography;

namespace DistSync.Security;

/// <summary>
/// The data keys for encryption at rest (<c>dsync.security.data-key-file</c>): 256-bit AES keys with ids, one of
/// them current. New records are sealed under the current key; a record names its key, so after
/// <see cref="Rotate"/> old records still open under the old keys and nothing is rewritten.
/// <para>
/// Record format (version 1): version byte, key id (uint32 LE), 12-byte random nonce, ciphertext (as long as the
/// plaintext), 16-byte AES-GCM tag. The associated data is the caller's: it binds a record to where it is stored,
/// so a record copied to another place fails like a tampered one. Random nonces: rotate well before 2^32 records
/// under one key (NIST SP 800-38D's bound for random 96-bit nonces).
/// </para>
/// Thread-safe: each thread seals with its own <see cref="AesGcm"/> per key (an instance is not safe to share).
/// A running process does not see a rotation made after <see cref="Load"/>; it picks the new key up at restart.
/// </summary>
public sealed class DataKeyring : IDisposable
{
    public const int KeyBytes = 32;
    public const int NonceBytes = 12;
    public const int TagBytes = 16;
    public const byte RecordVersion = 1;
    private const int KeyIdOffset = 1;
    private const int NonceOffset = KeyIdOffset + 4;

    /// <summary>Bytes before the ciphertext: version, key id, nonce.</summary>
    public const int HeaderBytes = NonceOffset + NonceBytes;

    /// <summary>Bytes a record adds to its plaintext.</summary>
    public const int Overhead = HeaderBytes + TagBytes;

    private readonly Dictionary<uint, ThreadLocal<AesGcm>> _ciphers;
    private readonly List<DataKeyringFile.Entry> _keys;
    private readonly ThreadLocal<AesGcm> _current;

    private DataKeyring(string path, uint current, List<DataKeyringFile.Entry> keys)
    {
        Path = path;
        CurrentKeyId = current;
        _keys = keys;
        _ciphers = keys.ToDictionary(k => k.Id, k => new ThreadLocal<AesGcm>(() => new AesGcm(k.Key, TagBytes), trackAllValues: true));
        _current = _ciphers[current];
    }

    public string Path { get; }

    /// <summary>The key new records are sealed under.</summary>
    public uint CurrentKeyId { get; }

    /// <summary>Every key id the keyring can open, ascending.</summary>
    public IReadOnlyList<uint> KeyIds => [.. _keys.Select(k => k.Id).Order()];

    /// <summary>Writes a new keyring with one random key (id 1) to <paramref name="path"/>, mode 0600; refuses to
    /// overwrite one, since the records sealed under it would become unreadable.</summary>
    public static DataKeyring Create(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var keys = new List<DataKeyringFile.Entry> { new(1, DateTimeOffset.UtcNow, RandomNumberGenerator.GetBytes(KeyBytes)) };
        SecretFile.WriteNew(path, DataKeyringFile.Render(1, keys), "a new keyring would make every record sealed under the old one unreadable (use 'dsync datakey rotate')");
        return Load(path);
    }

    /// <summary>Reads the keyring at <paramref name="path"/>; a missing or malformed file is a clear error that never
    /// quotes key material.</summary>
    public static DataKeyring Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"the data keyring {path} does not exist (make one with 'dsync datakey init --file {path}')", path);
        var (current, keys) = DataKeyringFile.Parse(path, File.ReadAllText(path));
        return new DataKeyring(path, current, keys);
    }

    /// <summary>
    /// Adds a new random key to the keyring at <paramref name="path"/> and makes it current; the old keys stay, for
    /// reading. The file is replaced by rename after an fsync, so a crash leaves the old or the new keyring whole.
    /// </summary>
    public static DataKeyring Rotate(string path)
    {
        using var old = Load(path);
        var keys = old._keys.Select(k => k with { Key = (byte[])k.Key.Clone() }).ToList();
        var id = keys.Max(k => k.Id) + 1;
        keys.Add(new DataKeyringFile.Entry(id, DateTimeOffset.UtcNow, RandomNumberGenerator.GetBytes(KeyBytes)));
        var next = path + ".rotating";
        File.Delete(next); // left by a rotation that crashed before its rename; the keyring itself is intact
        SecretFile.WriteNew(next, DataKeyringFile.Render(id, keys), "");
        using (var written = new FileStream(next, FileMode.Open, FileAccess.ReadWrite)) written.Flush(flushToDisk: true);
        File.Move(next, path, overwrite: true);
        foreach (var k in keys) CryptographicOperations.ZeroMemory(k.Key);
        return Load(path);
    }

    /// <summary>The stored length of a plaintext of <paramref name="plaintextLength"/> bytes.</summary>
    public static int RecordLength(int plaintextLength) => plaintextLength + Overhead;

    /// <summary>The plaintext length of a record of <paramref name="recordLength"/> bytes (negative: too short).</summary>
    public static int PlaintextLength(int recordLength) => recordLength - Overhead;

    /// <summary>The key id a record names, or null when it is too short or of another version.</summary>
    public static uint? KeyIdOf(ReadOnlySpan<byte> record) =>
        record.Length >= Overhead && record[0] == RecordVersion ? BinaryPrimitives.ReadUInt32LittleEndian(record[KeyIdOffset..]) : null;

    /// <summary>Seals <paramref name="plaintext"/> under the current key into <paramref name="record"/>
    /// (exactly <see cref="RecordLength"/> bytes), with a fresh random nonce.</summary>
    public void Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> record)
    {
        if (record.Length != RecordLength(plaintext.Length))
            throw new ArgumentException($"a record of a {plaintext.Length}-byte plaintext has {RecordLength(plaintext.Length)} bytes, got {record.Length}", nameof(record));
        record[0] = RecordVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(record[KeyIdOffset..], CurrentKeyId);
        var nonce = record.Slice(NonceOffset, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        _current.Value!.Encrypt(nonce, plaintext, record.Slice(HeaderBytes, plaintext.Length), record[^TagBytes..], associatedData);
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var record = new byte[RecordLength(plaintext.Length)];
        Encrypt(plaintext, associatedData, record);
        return record;
    }

    /// <summary>
    /// Opens <paramref name="record"/> into <paramref name="plaintext"/> (exactly <see cref="PlaintextLength"/>
    /// bytes). Any failure (tag, unknown key, malformed) is a <see cref="DataDecryptionException"/> naming
    /// <paramref name="recordName"/>; no byte of an unverified plaintext is left in <paramref name="plaintext"/>.
    /// </summary>
    public void Decrypt(ReadOnlySpan<byte> record, ReadOnlySpan<byte> associatedData, Span<byte> plaintext, string recordName)
    {
        if (record.Length < Overhead)
            throw new DataDecryptionException(recordName, null, $"{record.Length} bytes is shorter than the {Overhead}-byte sealed record frame");
        if (record[0] != RecordVersion)
            throw new DataDecryptionException(recordName, null, $"unknown sealed record version {record[0]}");
        var keyId = BinaryPrimitives.ReadUInt32LittleEndian(record[KeyIdOffset..]);
        if (!_ciphers.TryGetValue(keyId, out var cipher))
            throw new DataDecryptionException(recordName, keyId, $"the keyring {Path} holds no key {keyId} (it holds {string.Join(", ", KeyIds)})");
        if (plaintext.Length != PlaintextLength(record.Length))
            throw new ArgumentException($"a {record.Length}-byte record opens into {PlaintextLength(record.Length)} bytes, got {plaintext.Length}", nameof(plaintext));
        try
        {
            cipher.Value!.Decrypt(record.Slice(NonceOffset, NonceBytes), record.Slice(HeaderBytes, plaintext.Length), record[^TagBytes..], plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new DataDecryptionException(recordName, keyId, "the authentication tag does not verify: the record was altered, or moved from another place", e);
        }
    }

    public byte[] Decrypt(ReadOnlySpan<byte> record, ReadOnlySpan<byte> associatedData, string recordName)
    {
        var plaintext = new byte[Math.Max(0, PlaintextLength(record.Length))];
        Decrypt(record, associatedData, plaintext, recordName);
        return plaintext;
    }

    public void Dispose()
    {
        foreach (var cipher in _ciphers.Values)
        {
            foreach (var aes in cipher.Values) aes.Dispose();
            cipher.Dispose();
        }
        foreach (var k in _keys) CryptographicOperations.ZeroMemory(k.Key);
    }
}
