using DistSync.Persistence.Journal;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Tests;

/// <summary>
/// Bytes that reach disk must stay readable by later builds: type ids and the stored layouts are pinned here.
/// A failure means a change would break existing data — add a new id or a new format version instead.
/// </summary>
public sealed class StoredFormatPinningSpec
{
    [Fact]
    public void Built_in_type_ids_keep_their_numbers()
    {
        Assert.Equal(1, PersistenceTypeIds.RawBytes);
        Assert.Equal(2, PersistenceTypeIds.Utf8String);
        Assert.Equal(3, PersistenceTypeIds.Int64);
        Assert.Equal(4, PersistenceTypeIds.AkkaSerialized);
        Assert.Equal(5, PersistenceTypeIds.EncryptedPayload);
        Assert.Equal(99, PersistenceTypeIds.LastReserved);
    }

    [Fact]
    public void The_registry_stores_built_in_types_under_their_pinned_ids_and_bytes()
    {
        var registry = PersistenceSerializerRegistry.CreateWithBuiltIns();

        AssertSerialized(1, new byte[] { 9, 8 }, registry.Serialize(new byte[] { 9, 8 }));
        AssertSerialized(2, "hé"u8.ToArray(), registry.Serialize("hé"));
        AssertSerialized(3, new byte[] { 0x01, 0x02, 0, 0, 0, 0, 0, 0x80 }, registry.Serialize(unchecked((long)0x8000_0000_0000_0201)));
        Assert.Equal("hé", registry.Deserialize(2, "hé"u8.ToArray()));
        Assert.Equal(-2L, registry.Deserialize(3, registry.Serialize(-2L).Payload));
    }

    private static void AssertSerialized(int typeId, byte[] bytes, (int TypeId, byte[] Payload) actual)
    {
        Assert.Equal(typeId, actual.TypeId);
        Assert.Equal(bytes, actual.Payload);
    }

    [Fact]
    public void The_registry_rejects_a_taken_id_an_unregistered_type_and_an_unknown_stored_id()
    {
        var registry = PersistenceSerializerRegistry.CreateWithBuiltIns();

        var taken = Assert.Throws<InvalidOperationException>(() => registry.Register<Guid>(2, g => g.ToByteArray(), b => new Guid(b)));
        Assert.Contains("already taken", taken.Message);
        Assert.Throws<InvalidOperationException>(() => registry.Register<string>(100, System.Text.Encoding.UTF8.GetBytes, System.Text.Encoding.UTF8.GetString));
        var unregistered = Assert.Throws<InvalidOperationException>(() => registry.Serialize(Guid.Empty));
        Assert.Contains("System.Guid", unregistered.Message);
        var unknown = Assert.Throws<InvalidDataException>(() => registry.Deserialize(4711, Array.Empty<byte>()));
        Assert.Contains("4711", unknown.Message);
    }

    [Fact]
    public void Crc32C_matches_the_published_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void A_snapshot_blob_has_the_pinned_layout()
    {
        var blob = SnapshotBlobCodec.Encode(new SerializedSnapshot(0x0102, new byte[] { 0xAA, 0xBB }));

        var expectedWithoutCrc = new byte[] { (byte)'D', (byte)'S', (byte)'S', 1, 0x02, 0x01, 0, 0, 2, 0, 0, 0, 0xAA, 0xBB };
        Assert.Equal(expectedWithoutCrc, blob[..^4]);
        Assert.Equal(Crc32C.Compute(expectedWithoutCrc), BitConverter.ToUInt32(blob, blob.Length - 4));
    }

    [Fact]
    public void A_damaged_snapshot_blob_is_rejected_with_a_reason()
    {
        var blob = SnapshotBlobCodec.Encode(new SerializedSnapshot(5, new byte[] { 1, 2, 3, 4 }));
        Assert.True(SnapshotBlobCodec.TryDecode(blob, out var ok, out _));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, ok!.Payload);

        var flipped = (byte[])blob.Clone();
        flipped[13] ^= 0x01;
        Assert.False(SnapshotBlobCodec.TryDecode(flipped, out _, out var checksumError));
        Assert.Contains("checksum", checksumError);

        Assert.False(SnapshotBlobCodec.TryDecode(blob.AsSpan(0, blob.Length - 1), out _, out var lengthError));
        Assert.Contains("length", lengthError);

        var future = (byte[])blob.Clone();
        future[3] = 2;
        Assert.False(SnapshotBlobCodec.TryDecode(future, out _, out var versionError));
        Assert.Contains("version 2", versionError);

        Assert.False(SnapshotBlobCodec.TryDecode(new byte[] { 1, 2 }, out _, out _));
    }

    [Fact]
    public void A_stored_event_value_has_the_pinned_layout()
    {
        var value = PersistentReprCodec.Encode(new PersistentRepr("p", 0x0102, 7, new byte[] { 0xCC }));

        Assert.Equal(new byte[] { 1, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0xCC }, value);
        var decoded = PersistentReprCodec.Decode("p", value);
        Assert.Equal(0x0102, decoded.SequenceNr);
        Assert.Equal(7, decoded.TypeId);
        Assert.Equal(new byte[] { 0xCC }, decoded.Payload);
        Assert.Throws<InvalidDataException>(() => PersistentReprCodec.Decode("p", value.AsSpan(0, 5)));
    }
}
