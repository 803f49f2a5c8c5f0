using System.Globalization;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// What one SSE event of <c>GET /kv/watch</c> says: the watch's creation, a change, its end by compaction, or the
/// node's end of the stream for a reason another node may not have (<c>event: error</c>, e.g. <c>no-leader</c>).
/// </summary>
internal readonly record struct KvWatchFrame(KvWatchCreated? Created, KvWatchEvent? Change, long? CompactedOldest, string? ErrorReason = null)
{
    public static KvWatchFrame Parse(string eventType, ReadOnlySpan<byte> data)
    {
        try
        {
            switch (eventType)
            {
                case "created":
                    return new(JsonSerializer.Deserialize<KvWatchCreated>(data, DistSyncJson.Options)
                               ?? throw new InvalidDataException("a 'created' event without data"), null, null);
                case "put" or "delete":
                    var change = JsonSerializer.Deserialize<KvWatchEvent>(data, DistSyncJson.Options)
                                 ?? throw new InvalidDataException($"a '{eventType}' event without data");
                    if (change.Key is null) throw new InvalidDataException($"a '{eventType}' event without a key");
                    return new(null, change.Type is null ? change with { Type = eventType } : change, null);
                case "compacted":
                    return new(null, null, JsonSerializer.Deserialize<KvCompactedResponse>(data, DistSyncJson.Options)?.OldestVersion
                                           ?? throw new InvalidDataException("a 'compacted' event without an oldestVersion"));
                case "error":
                    using (var doc = JsonDocument.Parse(data.ToArray()))
                    {
                        var reason = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reason", out var r) ? r.ToString() : "";
                        return new(null, null, null, reason.Length > 0 ? reason : "unknown");
                    }
                default:
                    return default; // an event type this client does not know: skipped
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"an SSE '{eventType}' event's data is not what docs/KV.md names: {e.Message}", e);
        }
    }

    /// <summary>Parses an event id <c>{version}.{n}</c> (or a bare <c>{version}</c>, n = 0).</summary>
    public static bool TryParseId(string? id, out (long Version, int N) parsed)
    {
        parsed = default;
        if (string.IsNullOrEmpty(id)) return false;
        var dot = id.IndexOf('.');
        var version = dot < 0 ? id : id[..dot];
        var n = 0;
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return false;
        if (dot >= 0 && !int.TryParse(id.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out n)) return false;
        parsed = (v, n);
        return true;
    }
}
