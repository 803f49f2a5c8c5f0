using System.Text;

namespace DistSync.Cluster.Serialization;

/// <summary>Renders the Akka serialization config of a registry: the <c>dsync-wire</c> serializer, its id and one
/// binding per registered type (generated, so no type name can go stale).</summary>
public static class WireSerialization
{
    public static string Config(MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var serializerType = Quote(typeof(DistSyncWireSerializer));
        var sb = new StringBuilder();
        sb.Append("akka.actor.serializers { ").Append(DistSyncWireSerializer.Name).Append(" = ").Append(serializerType).AppendLine(" }");
        sb.Append("akka.actor.serialization-identifiers { ").Append(serializerType).Append(" = ").Append(DistSyncWireSerializer.SerializerId).AppendLine(" }");
        sb.AppendLine("akka.actor.serialization-bindings {");
        foreach (var (_, type) in registry.Registrations)
            sb.Append("  ").Append(Quote(type)).Append(" = ").AppendLine(DistSyncWireSerializer.Name);
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>"Full.Name, Assembly" in quotes (HOCON keys with dots and commas must be quoted).</summary>
    public static string Quote(Type type) => DistSync.Hocon.HoconText.QuoteType(type);
}
