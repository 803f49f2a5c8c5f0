using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;

namespace DistSync.Persistence.Serialization;

/// <summary>
/// Maps event and snapshot types to the stable numeric type ids stored next to their bytes.
/// Thread safe for reads after registration; register everything at start-up.
/// </summary>
public sealed class PersistenceSerializerRegistry
{
    private readonly Dictionary<Type, Entry> _byType = new();
    private readonly Dictionary<int, Entry> _byId = new();
    private readonly object _gate = new();

    private sealed record Entry(int TypeId, Type Type, Func<object, byte[]> Serialize, Func<byte[], object> Deserialize);

    /// <summary>A registry holding the built-in types of <see cref="PersistenceTypeIds"/>.</summary>
    public static PersistenceSerializerRegistry CreateWithBuiltIns()
    {
        var registry = new PersistenceSerializerRegistry();
        registry.Register<byte[]>(PersistenceTypeIds.RawBytes, b => b, b => b);
        registry.Register<string>(PersistenceTypeIds.Utf8String, Encoding.UTF8.GetBytes, b => Encoding.UTF8.GetString(b));
        registry.Register<long>(PersistenceTypeIds.Int64, v =>
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, v);
            return bytes;
        }, b => b.Length == 8
            ? BinaryPrimitives.ReadInt64LittleEndian(b)
            : throw new InvalidDataException($"an Int64 needs 8 bytes, got {b.Length}"));
        return registry;
    }

    public void Register<T>(int typeId, Func<T, byte[]> serialize, Func<byte[], T> deserialize) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(serialize);
        ArgumentNullException.ThrowIfNull(deserialize);
        if (typeId <= 0) throw new ArgumentOutOfRangeException(nameof(typeId), typeId, "type ids are positive");
        var entry = new Entry(typeId, typeof(T), o => serialize((T)o), b => deserialize(b));
        lock (_gate)
        {
            if (_byId.TryGetValue(typeId, out var taken))
                throw new InvalidOperationException($"type id {typeId} is already taken by {taken.Type.FullName}");
            if (_byType.TryGetValue(typeof(T), out var existing))
                throw new InvalidOperationException($"{typeof(T).FullName} is already registered with type id {existing.TypeId}");
            _byId.Add(typeId, entry);
            _byType.Add(typeof(T), entry);
        }
    }

    /// <summary>Registers a Protobuf message type (its wire form is the stored payload).</summary>
    public void RegisterProtobuf<T>(int typeId) where T : IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        Register<T>(typeId, m => m.ToByteArray(), b => parser.ParseFrom(b));
    }

    public bool IsRegistered(Type type)
    {
        lock (_gate) return _byType.ContainsKey(type);
    }

    /// <summary>The pinned id of <paramref name="type"/>, if registered.</summary>
    public bool TryGetTypeId(Type type, out int typeId)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            if (_byType.TryGetValue(type, out var entry))
            {
                typeId = entry.TypeId;
                return true;
            }
        }
        typeId = 0;
        return false;
    }

    /// <summary>True when <paramref name="typeId"/> has a registered type (so <see cref="Deserialize"/> can read it).</summary>
    public bool IsRegistered(int typeId)
    {
        lock (_gate) return _byId.ContainsKey(typeId);
    }

    /// <summary>All registrations (id -> CLR type), ordered by id: the Akka bindings are generated from them.</summary>
    public IReadOnlyList<KeyValuePair<int, Type>> Registrations
    {
        get
        {
            var list = new List<KeyValuePair<int, Type>>();
            lock (_gate)
                foreach (var (id, entry) in _byId) list.Add(new KeyValuePair<int, Type>(id, entry.Type));
            list.Sort((a, b) => a.Key.CompareTo(b.Key));
            return list;
        }
    }

    /// <summary>Type id and bytes of <paramref name="value"/>; a clear error names an unregistered type.</summary>
    public (int TypeId, byte[] Payload) Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Entry? entry;
        lock (_gate) _byType.TryGetValue(value.GetType(), out entry);
        if (entry is null)
            throw new InvalidOperationException($"{value.GetType().FullName} has no persistence type id; register it with PersistenceSerializerRegistry.Register");
        return (entry.TypeId, entry.Serialize(value));
    }

    public object Deserialize(int typeId, byte[] payload)
    {
        Entry? entry;
        lock (_gate) _byId.TryGetValue(typeId, out entry);
        if (entry is null)
            throw new InvalidDataException($"stored type id {typeId} is not registered; was a type removed or renumbered?");
        return entry.Deserialize(payload);
    }
}
