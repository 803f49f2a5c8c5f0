using System.Text;
using System.Text.Json;

namespace DistSync.Security;

/// <summary>
/// The keyring's file: JSON <c>{"format":1,"current":2,"keys":[{"id":1,"created":"…","key":"base64"},…]}</c>,
/// mode 0600. Written whole; a rotation replaces it by rename, so a crash leaves either the old or the new file.
/// </summary>
internal static class DataKeyringFile
{
    public const int Format = 1;

    public sealed record Entry(uint Id, DateTimeOffset Created, byte[] Key);

    public static string Render(uint current, IReadOnlyList<Entry> keys)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("format", Format);
            json.WriteNumber("current", current);
            json.WriteStartArray("keys");
            foreach (var key in keys)
            {
                json.WriteStartObject();
                json.WriteNumber("id", key.Id);
                json.WriteString("created", key.Created);
                json.WriteBase64String("key", key.Key);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }

    /// <summary>Parses and checks the file; any defect is an <see cref="InvalidDataException"/> naming the path.</summary>
    public static (uint Current, List<Entry> Keys) Parse(string path, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.GetProperty("format").GetInt32() != Format)
                throw new InvalidDataException($"the data keyring {path} has format {root.GetProperty("format")}; this build reads format {Format}");
            var current = root.GetProperty("current").GetUInt32();
            var keys = new List<Entry>();
            foreach (var k in root.GetProperty("keys").EnumerateArray())
            {
                var entry = new Entry(k.GetProperty("id").GetUInt32(), k.GetProperty("created").GetDateTimeOffset(), k.GetProperty("key").GetBytesFromBase64());
                if (entry.Key.Length != DataKeyring.KeyBytes)
                    throw new InvalidDataException($"data key {entry.Id} in {path} has {entry.Key.Length} bytes; AES-256 needs {DataKeyring.KeyBytes}");
                if (keys.Any(e => e.Id == entry.Id)) throw new InvalidDataException($"the data keyring {path} holds key id {entry.Id} twice");
                keys.Add(entry);
            }
            if (!keys.Any(k => k.Id == current)) throw new InvalidDataException($"the data keyring {path} names current key {current}, which it does not hold");
            return (current, keys);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            // the parser's message may quote file content, i.e. key material: keep only the path
            throw new InvalidDataException($"the data keyring {path} is not a valid keyring file (format {Format} JSON with current and keys)");
        }
    }
}
