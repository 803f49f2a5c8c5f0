namespace DistSync.Persistence.Serialization;

/// <summary>
/// Type ids written to disk by this module. They are pinned by a test: never renumber or reuse one, only add.
/// Ids 1..99 belong to DistSync.Persistence; other modules register their own types from 100 up
/// (Raft: 100..199, services: 200 and above).
/// </summary>
public static class PersistenceTypeIds
{
    /// <summary>A plain <c>byte[]</c>, stored as is.</summary>
    public const int RawBytes = 1;

    /// <summary>A <c>string</c>, stored as UTF-8.</summary>
    public const int Utf8String = 2;

    /// <summary>A <c>long</c>, stored as 8 bytes little endian.</summary>
    public const int Int64 = 3;

    /// <summary>
    /// A payload of a type outside the registry, serialized by whichever Akka serializer is bound to it: the stored
    /// bytes are an envelope (format 2: serializer id, manifest, bytes) written and read by the Akka.Persistence
    /// plugins only (<c>DistSync.Persistence.Plugins.PayloadEnvelope</c>). Never registered as a CLR type.
    /// </summary>
    public const int AkkaSerialized = 4;

    /// <summary>
    /// A payload sealed by encryption at rest (<c>DistSync.Persistence.Encryption.RecordSealer</c>): a
    /// <c>DistSync.Security.DataKeyring</c> record whose plaintext is the inner type id and payload. Only the
    /// encrypting engine decorators write and read it; never registered as a CLR type.
    /// </summary>
    public const int EncryptedPayload = 5;

    /// <summary>Highest id reserved for this module.</summary>
    public const int LastReserved = 99;
}
