using System.Runtime.Serialization;
using DistSync.Persistence.Serialization;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Turns an event or snapshot into the engines' (type id, bytes) and back. Registry types first: their stored id is
/// the registry's (= <see cref="DistSyncEventSerializer"/>'s manifest), which keeps old rows readable and stores
/// byte[]/string/long as 1/2/3 although Akka binds those to its own serializers. Anything else goes through the Akka
/// serializer bound to it, in a <see cref="PayloadEnvelope"/>; Hyperion is refused, since its bytes do not survive
/// runtime upgrades (never persist it, AKKA-PORT §3).
/// </summary>
internal sealed class PayloadCodec(PersistenceSerializerRegistry registry, AkkaSerialization serialization)
{
    private const int HyperionSerializerId = -5;

    public PersistenceSerializerRegistry Registry { get; } = registry;

    public (int TypeId, byte[] Bytes) Encode(object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (Registry.TryGetTypeId(payload.GetType(), out _)) return Registry.Serialize(payload);
        var serializer = serialization.FindSerializerFor(payload);
        if (serializer.Identifier == HyperionSerializerId)
            throw new SerializationException(
                $"{payload.GetType().FullName} would be persisted with Hyperion; register it in the PersistenceSerializerRegistry or bind another serializer");
        var manifest = AkkaSerialization.ManifestFor(serializer, payload);
        return (PersistenceTypeIds.AkkaSerialized, PayloadEnvelope.Encode(serializer.Identifier, manifest, serializer.ToBinary(payload)));
    }

    public object Decode(int typeId, byte[] bytes)
    {
        if (typeId == PersistenceTypeIds.EncryptedPayload)
            throw new InvalidDataException("a stored record is encrypted at rest, and this plugin has no data key: set dsync.security.data-key-file to the keyring it was written with");
        if (typeId != PersistenceTypeIds.AkkaSerialized) return Registry.Deserialize(typeId, bytes);
        var (serializerId, manifest, payload) = PayloadEnvelope.Decode(bytes);
        return serialization.Deserialize(payload, serializerId, manifest);
    }
}
