using System.Text;
using DistSync.Persistence.Serialization;

namespace DistSync.Persistence.Plugins;

/// <summary>Renders the Akka serialization config of a registry: the <c>dsync-event</c> serializer, its id and one
/// binding per registered type (generated, so no type name can go stale).</summary>
public static class EventSerialization
{
    /// <summary>
    /// The built-ins byte[], string and long (type ids 1-3) get no binding: binding them would take strings and byte
    /// arrays away from Akka's own serializers everywhere (remoting too). The plugins store them under their pinned
    /// ids anyway, because they consult the registry before Akka's bindings.
    /// </summary>
    public static string Config(PersistenceSerializerRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var serializerType = Quote(typeof(DistSyncEventSerializer));
        var sb = new StringBuilder();
        sb.Append("akka.actor.serializers { ").Append(DistSyncEventSerializer.Name).Append(" = ").Append(serializerType).AppendLine(" }");
        sb.Append("akka.actor.serialization-identifiers { ").Append(serializerType).Append(" = ").Append(DistSyncEventSerializer.SerializerId).AppendLine(" }");
        sb.AppendLine("akka.actor.serialization-bindings {");
        foreach (var (id, type) in registry.Registrations)
        {
            if (id <= PersistenceTypeIds.LastReserved && IsBuiltIn(type)) continue;
            sb.Append("  ").Append(Quote(type)).Append(" = ").AppendLine(DistSyncEventSerializer.Name);
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static bool IsBuiltIn(Type type) => type == typeof(byte[]) || type == typeof(string) || type == typeof(long);

    /// <summary>"Full.Name, Assembly" in quotes (HOCON keys with dots and commas must be quoted).</summary>
    public static string Quote(Type type) => DistSync.Hocon.HoconText.QuoteType(type);
}
