using System.Text;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The stable mapping from a node id (a name such as "n1") to its Raft id: FNV-1a 64 of the UTF-8 bytes, with 0
/// (which means "nobody" in the core) mapped to 1. Written into logs and snapshots indirectly (votes, conf
/// changes): never change it.
/// </summary>
public static class RaftIds
{
    private const ulong FnvOffsetBasis = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static ulong FromNodeId(string nodeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ulong hash = FnvOffsetBasis;
        Span<byte> buffer = nodeId.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(nodeId.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(nodeId.Length)];
        int n = Encoding.UTF8.GetBytes(nodeId, buffer);
        for (int i = 0; i < n; i++)
        {
            hash ^= buffer[i];
            hash *= FnvPrime;
        }
        return hash == 0 ? 1 : hash;
    }
}
