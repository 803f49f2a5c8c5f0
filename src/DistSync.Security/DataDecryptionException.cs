using System.Security.Cryptography;

namespace DistSync.Security;

/// <summary>
/// A stored record that cannot be read back under the data keyring: its tag does not verify (tampered, or moved to
/// another persistence id or sequence number), it names a key id the keyring does not hold, it is malformed, or it
/// is plaintext while plaintext is refused. The message names the record and the key id, never key material.
/// </summary>
public sealed class DataDecryptionException : CryptographicException
{
    public DataDecryptionException(string record, uint? keyId, string reason, Exception? inner = null)
        : base($"{record} cannot be read{(keyId is { } id ? $" under data key {id}" : "")}: {reason}", inner)
    {
        Record = record;
        KeyId = keyId;
        Reason = reason;
    }

    /// <summary>Which record, e.g. <c>journal record orders-1#7</c>.</summary>
    public string Record { get; }

    /// <summary>The key id the record names; null when the record names none (plaintext, too short).</summary>
    public uint? KeyId { get; }

    public string Reason { get; }
}
