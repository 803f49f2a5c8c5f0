using System.IO.Hashing;
using System.Text;

namespace DistSync.Cluster.Placement;

/// <summary>
/// The one hash every placement decision uses: xxHash64 (seed 0) of the UTF-8 bytes. Deterministic across processes,
/// machines and runs (unlike <see cref="string.GetHashCode()"/>, which .NET randomizes per process), so every node
/// computes the same ring and the same shard of a key.
/// </summary>
public static class StableHash
{
    public static ulong Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Short keys are encoded on the stack (placement hashes on every lookup); longer ones allocate one buffer.
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            int n = Encoding.UTF8.GetBytes(text, buffer);
            return XxHash64.HashToUInt64(buffer[..n]);
        }
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));
    }
}
