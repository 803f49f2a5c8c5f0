using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace DistSync.Security;

/// <summary>
/// The cluster's token signing key: 32 random bytes, base64 in a file readable only by its owner. Every node
/// validates client tokens with it; <c>dsync token issue</c> signs with it (HMAC-SHA256).
/// </summary>
public static class ClusterSigningKey
{
    public const int Bytes = 32;

    /// <summary>Writes a new random key to <paramref name="path"/> (mode 0600); refuses to overwrite one.</summary>
    public static void Create(string path)
    {
        SecretFile.WriteNew(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(Bytes)) + Environment.NewLine,
            "a new key would invalidate every token signed with it");
    }

    /// <summary>Reads the key at <paramref name="path"/>; a missing, unreadable or short key is a clear error.</summary>
    public static SymmetricSecurityKey Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"the token signing key file {path} does not exist (make one with 'dsync token init-key --key-file {path}')", path);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"the token signing key file {path} does not hold base64");
        }
        if (key.Length < Bytes) throw new InvalidDataException($"the token signing key in {path} has {key.Length} bytes; at least {Bytes} are needed");
        return new SymmetricSecurityKey(key) { KeyId = KeyId(key) };
    }

    /// <summary>A short public id of the key (the first bytes of its SHA-256), so a token names the key it was signed with.</summary>
    private static string KeyId(byte[] key) => Convert.ToHexString(SHA256.HashData(key), 0, 8).ToLowerInvariant();
}
