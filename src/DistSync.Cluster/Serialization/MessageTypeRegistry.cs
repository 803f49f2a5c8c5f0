using Google.Protobuf;

namespace DistSync.Cluster.Serialization;

/// <summary>
/// Maps stable numeric type ids to protobuf message types and their parsers. Every message that crosses
/// nodes is registered here by the module that defines it; an id, once shipped, never changes meaning
/// (tests pin them). The ids are the manifests of <see cref="DistSyncWireSerializer"/>. Id ranges: 1-999 reserved
/// (the old transport's control and runtime blocks), 1000-59999 one block of 1000 per module, 60000 and up tests and benchmarks.
/// Registration happens at start-up; lookups are lock-free reads of copy-on-write tables.
/// </summary>
public sealed class MessageTypeRegistry
{
    private readonly object _writeGate = new();
    private volatile Tables _tables = new(new Dictionary<uint, Registration>(), new Dictionary<Type, uint>());

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="typeId"/>; re-registering the same pair is a no-op.</summary>
    /// <exception cref="InvalidOperationException">the id or the type is already registered differently</exception>
    public void Register<T>(uint typeId, MessageParser<T> parser)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        if (typeId == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(typeId), "type id 0 is reserved for 'no type'");
        }

        lock (_writeGate)
        {
            var current = _tables;
            if (current.ById.TryGetValue(typeId, out var existing))
            {
                if (existing.Type == typeof(T))
                {
                    return;
                }

                throw new InvalidOperationException(
                    $"type id {typeId} is already registered for {existing.Type.FullName}; cannot register {typeof(T).FullName}");
            }

            if (current.ByType.TryGetValue(typeof(T), out var otherId))
            {
                throw new InvalidOperationException(
                    $"{typeof(T).FullName} is already registered with type id {otherId}; cannot register it again as {typeId}");
            }

            var byId = new Dictionary<uint, Registration>(current.ById) { [typeId] = new Registration(typeof(T), parser) };
            var byType = new Dictionary<Type, uint>(current.ByType) { [typeof(T)] = typeId };
            _tables = new Tables(byId, byType);
        }
    }

    public bool TryGetTypeId(Type messageType, out uint typeId) => _tables.ByType.TryGetValue(messageType, out typeId);

    public bool TryGetParser(uint typeId, out MessageParser parser)
    {
        if (_tables.ById.TryGetValue(typeId, out var registration))
        {
            parser = registration.Parser;
            return true;
        }

        parser = null!;
        return false;
    }

    /// <summary>All registrations (id -> CLR type), ordered by id; for diagnostics and the id-pinning test.</summary>
    public IReadOnlyList<KeyValuePair<uint, Type>> Registrations
    {
        get
        {
            var list = new List<KeyValuePair<uint, Type>>();
            foreach (var pair in _tables.ById)
            {
                list.Add(new KeyValuePair<uint, Type>(pair.Key, pair.Value.Type));
            }

            list.Sort((a, b) => a.Key.CompareTo(b.Key));
            return list;
        }
    }

    private sealed record Registration(Type Type, MessageParser Parser);

    private sealed record Tables(Dictionary<uint, Registration> ById, Dictionary<Type, uint> ByType);
}
