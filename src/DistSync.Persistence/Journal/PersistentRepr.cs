namespace DistSync.Persistence.Journal;

/// <summary>
/// One stored event: the persistence id and sequence number it was written under, plus the event in its
/// versioned binary form (a pinned <see cref="TypeId"/> from the serializer registry and the payload bytes).
/// </summary>
public sealed class PersistentRepr
{
    public PersistentRepr(string persistenceId, long sequenceNr, int typeId, byte[] payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(payload);
        if (sequenceNr < 1) throw new ArgumentOutOfRangeException(nameof(sequenceNr), sequenceNr, "sequence numbers start at 1");
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
        TypeId = typeId;
        Payload = payload;
    }

    public string PersistenceId { get; }

    public long SequenceNr { get; }

    /// <summary>Stable numeric id of the payload's type (see <see cref="Serialization.PersistenceTypeIds"/>).</summary>
    public int TypeId { get; }

    public byte[] Payload { get; }

    public override string ToString() => $"PersistentRepr({PersistenceId}#{SequenceNr}, type {TypeId}, {Payload.Length} bytes)";
}
