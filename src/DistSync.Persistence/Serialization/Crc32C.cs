using System.Buffers.Binary;
using System.Numerics;

namespace DistSync.Persistence.Serialization;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78). Guards snapshot blobs against corruption at rest.
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> takes 8 bytes a step on the CPU's CRC instruction (SSE4.2, ARMv8)
/// and falls back to software elsewhere: a byte-at-a-time table took ~0.2 s per 90 MB snapshot. Incremental
/// (<see cref="Start"/>, <see cref="Append"/>, <see cref="Finish"/>), so a blob written in pieces needs no copy.
/// </summary>
public static class Crc32C
{
    /// <summary>The running value before the first byte.</summary>
    public const uint Start = 0xFFFFFFFFu;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// <summary>Continues a running value over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return crc;
    }

    /// <summary>The checksum of everything appended.</summary>
    public static uint Finish(uint crc) => ~crc;
}
