using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DistSync.Persistence.Serialization;
using DistSync.Security;

namespace DistSync.Persistence.Encryption;

/// <summary>
/// Seals a (type id, payload) pair into a <see cref="PersistenceTypeIds.EncryptedPayload"/> payload and opens it
/// again. The sealed plaintext is the inner type id (int32 LE) then the payload, so the event's type is hidden too.
/// The associated data is the record's place: a domain tag ("dsync-j1" journal, "dsync-s1" snapshot), the sequence
/// number, the snapshot's timestamp (UTC ticks) and the persistence id, so a record moved to another persistence
/// id, sequence number or snapshot slot fails its tag like an altered one.
/// </summary>
internal sealed class RecordSealer(DataKeyring keyring, bool acceptPlaintext) : IDisposable
{
    private const int TypeIdBytes = 4;
    private const int FixedAadBytes = 8 + 8 + 8;
    private static ReadOnlySpan<byte> JournalDomain => "dsync-j1"u8;
    private static ReadOnlySpan<byte> SnapshotDomain => "dsync-s1"u8;

    public DataKeyring Keyring { get; } = keyring;

    public bool AcceptPlaintext { get; } = acceptPlaintext;

    public byte[] SealEvent(string persistenceId, long sequenceNr, int typeId, byte[] payload) =>
        Seal(JournalDomain, persistenceId, sequenceNr, 0, typeId, payload);

    public byte[] SealSnapshot(string persistenceId, long sequenceNr, long utcTicks, int typeId, byte[] payload) =>
        Seal(SnapshotDomain, persistenceId, sequenceNr, utcTicks, typeId, payload);

    /// <summary>The stored (type id, payload) of an event as it was written; a plaintext one passes only when
    /// accepted. Refusals are <see cref="DataDecryptionException"/>s.</summary>
    public (int TypeId, byte[] Payload) OpenEvent(string persistenceId, long sequenceNr, int typeId, byte[] stored) =>
        Open(JournalDomain, $"journal record {persistenceId}#{sequenceNr}", persistenceId, sequenceNr, 0, typeId, stored);

    public (int TypeId, byte[] Payload) OpenSnapshot(string persistenceId, long sequenceNr, long utcTicks, int typeId, byte[] stored) =>
        Open(SnapshotDomain, $"snapshot {persistenceId}#{sequenceNr}", persistenceId, sequenceNr, utcTicks, typeId, stored);

    private byte[] Seal(ReadOnlySpan<byte> domain, string persistenceId, long sequenceNr, long utcTicks, int typeId, byte[] payload)
    {
        var plainLength = TypeIdBytes + payload.Length;
        var plain = ArrayPool<byte>.Shared.Rent(plainLength);
        var aad = ArrayPool<byte>.Shared.Rent(FixedAadBytes + Encoding.UTF8.GetMaxByteCount(persistenceId.Length));
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(plain, typeId);
            payload.CopyTo(plain, TypeIdBytes);
            var aadLength = WriteAad(aad, domain, persistenceId, sequenceNr, utcTicks);
            return Keyring.Encrypt(plain.AsSpan(0, plainLength), aad.AsSpan(0, aadLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, plainLength)); // pooled: no plaintext left behind
            ArrayPool<byte>.Shared.Return(plain);
            ArrayPool<byte>.Shared.Return(aad);
        }
    }

    private (int TypeId, byte[] Payload) Open(ReadOnlySpan<byte> domain, string recordName, string persistenceId, long sequenceNr, long utcTicks,
        int typeId, byte[] stored)
    {
        if (typeId != PersistenceTypeIds.EncryptedPayload)
        {
            if (AcceptPlaintext) return (typeId, stored);
            throw new DataDecryptionException(recordName, null,
                "it is stored in plaintext (type id " + typeId + ") while encryption at rest is on; to read a data directory written before " +
                "encryption was turned on, set dsync.security.data-at-rest.accept-plaintext = on");
        }
        var plainLength = DataKeyring.PlaintextLength(stored.Length);
        if (plainLength < TypeIdBytes)
            throw new DataDecryptionException(recordName, DataKeyring.KeyIdOf(stored), $"{stored.Length} bytes is too short for a sealed record");
        var plain = ArrayPool<byte>.Shared.Rent(plainLength);
        var aad = ArrayPool<byte>.Shared.Rent(FixedAadBytes + Encoding.UTF8.GetMaxByteCount(persistenceId.Length));
        try
        {
            var aadLength = WriteAad(aad, domain, persistenceId, sequenceNr, utcTicks);
            Keyring.Decrypt(stored, aad.AsSpan(0, aadLength), plain.AsSpan(0, plainLength), recordName);
            var innerTypeId = BinaryPrimitives.ReadInt32LittleEndian(plain);
            return (innerTypeId, plain.AsSpan(TypeIdBytes, plainLength - TypeIdBytes).ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, plainLength));
            ArrayPool<byte>.Shared.Return(plain);
            ArrayPool<byte>.Shared.Return(aad);
        }
    }

    private static int WriteAad(Span<byte> aad, ReadOnlySpan<byte> domain, string persistenceId, long sequenceNr, long utcTicks)
    {
        domain.CopyTo(aad);
        BinaryPrimitives.WriteInt64LittleEndian(aad[8..], sequenceNr);
        BinaryPrimitives.WriteInt64LittleEndian(aad[16..], utcTicks);
        return FixedAadBytes + Encoding.UTF8.GetBytes(persistenceId, aad[FixedAadBytes..]);
    }

    public void Dispose() => Keyring.Dispose();
}
