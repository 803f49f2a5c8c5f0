using System.Buffers.Text;
using System.Text.Json;

namespace DistSync.Bench;

/// <summary>
/// Reads the one or two fields a load loop needs from a JSON answer with <see cref="Utf8JsonReader"/>, without building
/// a document: how many items a top-level array has (a 1,000-key range), a top-level bool, a number one or two
/// levels down (etcd writes its int64 fields as strings, so both forms are read).
/// </summary>
internal static class JsonScan
{
    /// <summary>The number of items of the top-level array <paramref name="name"/>; 0 when absent (etcd omits empty arrays).</summary>
    public static int CountItems(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || !MoveToProperty(ref reader, name)) return 0;
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("not an array");
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            reader.Skip();
        }
        return count;
    }

    /// <summary>The top-level bool <paramref name="name"/>; false when absent (etcd omits false).</summary>
    public static bool GetBool(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        return reader.Read() && MoveToProperty(ref reader, name) && reader.TokenType == JsonTokenType.True;
    }

    /// <summary>
    /// The integer at <paramref name="name"/> (top level when <paramref name="parent"/> is empty, else inside the
    /// top-level object <paramref name="parent"/>), written as a number or a string; false when absent.
    /// </summary>
    public static bool TryGetLong(ReadOnlySpan<byte> json, ReadOnlySpan<byte> parent, ReadOnlySpan<byte> name, out long value)
    {
        value = 0;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read()) return false;
        if (!parent.IsEmpty && !MoveToProperty(ref reader, parent)) return false;
        if (!MoveToProperty(ref reader, name)) return false;
        return reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetInt64(out value),
            JsonTokenType.String => Utf8Parser.TryParse(reader.ValueSpan, out value, out _),
            _ => false,
        };
    }

    /// <summary>From the start of an object, moves to the value of its property <paramref name="name"/>; false if it has none.</summary>
    private static bool MoveToProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match) return true;
            reader.Skip();
        }
        return false;
    }
}
