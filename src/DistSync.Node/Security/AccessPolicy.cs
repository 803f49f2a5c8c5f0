using System.Text.Json;
using DistSync.Security;

namespace DistSync.Node.Security;

/// <summary>
/// The route table of issue 19's roles: <c>reader</c> gets, status, stats and subscriptions; <c>writer</c> also locks,
/// sessions, queue and cache operations, KV writes and publishing; <c>admin</c> also cluster, Raft and fault routes.
/// A route the table does not know needs <c>admin</c> to write and <c>reader</c> to read, so a new route is never
/// open by accident. Pure: no HTTP types, so the table is tested on its own.
/// </summary>
public static class AccessPolicy
{
    private static readonly RouteAccess Health = RouteAccess.Public("health");
    private static readonly RouteAccess Dashboard = RouteAccess.Public("dashboard");
    private static readonly RouteAccess OpenMetrics = RouteAccess.Public("metrics");
    private static readonly RouteAccess ReaderMetrics = Read("metrics");

    /// <summary>The access one request needs. Whatever the table says, a request that is not a GET needs at least
    /// <c>writer</c>: a key may be named like a route (<c>PUT /kv/watch</c> writes the key "watch").</summary>
    public static RouteAccess For(string method, string path, bool metricsOpen)
    {
        var access = Lookup(method, path, metricsOpen);
        return access.Open || method is "GET" or "HEAD" || access.Role >= AccessRole.Writer ? access : access with { Role = AccessRole.Writer };
    }

    private static RouteAccess Lookup(string method, string path, bool metricsOpen)
    {
        var get = method is "GET" or "HEAD";
        if (path == "/health") return Health;
        if (path == "/metrics") return metricsOpen ? OpenMetrics : ReaderMetrics;
        // The dashboard's page and scripts hold no data; what they show comes from the API routes below.
        if (get && (path == "/" || path.StartsWith("/dashboard/", StringComparison.Ordinal))) return Dashboard;
        if (path.StartsWith("/admin/", StringComparison.Ordinal))
            return new RouteAccess(false, AccessRole.Admin, "fault." + Last(path), !get, ResourceSource.None);
        if (path.StartsWith("/cluster/", StringComparison.Ordinal))
            return new RouteAccess(false, AccessRole.Admin, "cluster." + Segment(path, 1), true, ResourceSource.None);
        if (path.StartsWith("/raft/", StringComparison.Ordinal))
            return get ? Read("raft.status") : new RouteAccess(false, AccessRole.Admin, "raft." + Segment(path, 1), true, ResourceSource.None);
        if (path == "/status") return Read("status");
        if (path.StartsWith("/openapi/", StringComparison.Ordinal)) return Read("openapi");

        if (path.StartsWith("/kv", StringComparison.Ordinal)) return Kv(method, path);
        if (path.StartsWith("/session", StringComparison.Ordinal))
            return method == "DELETE"
                ? new RouteAccess(false, AccessRole.Writer, "session.delete", true, ResourceSource.None)
                : new RouteAccess(false, get ? AccessRole.Reader : AccessRole.Writer, get ? "session.get" : "session.write", false, ResourceSource.None);
        if (path.StartsWith("/lock/", StringComparison.Ordinal)) return Lock(method, path);
        if (path.StartsWith("/queue/", StringComparison.Ordinal)) return Queue(method, path);
        if (path.StartsWith("/cache/", StringComparison.Ordinal)) return Cache(method, path);
        if (path.StartsWith("/broadcast/", StringComparison.Ordinal)) return Broadcast(method, path);
        return get ? Read("read") : new RouteAccess(false, AccessRole.Admin, "unknown", true, ResourceSource.None);
    }

    private static RouteAccess Kv(string method, string path)
    {
        var get = method is "GET" or "HEAD";
        if (path == "/kv/watch" && get) return new RouteAccess(false, AccessRole.Reader, "kv.watch", false, ResourceSource.Query);
        if (path == "/kv/txn" && method == "POST") return new RouteAccess(false, AccessRole.Writer, "kv.txn", false, ResourceSource.Body);
        if (path == "/kv") return new RouteAccess(false, get ? AccessRole.Reader : AccessRole.Writer, get ? "kv.range" : "kv.delete-range", false, ResourceSource.Query);
        var action = get ? "kv.get" : method == "DELETE" ? "kv.delete" : "kv.put";
        return new RouteAccess(false, get ? AccessRole.Reader : AccessRole.Writer, action, false, ResourceSource.Path, "/kv/");
    }

    private static RouteAccess Lock(string method, string path)
    {
        if (path == "/lock/list") return new RouteAccess(false, AccessRole.Reader, "lock.list", false, ResourceSource.Listing);
        if (path.StartsWith("/lock/status/", StringComparison.Ordinal))
            return new RouteAccess(false, AccessRole.Reader, "lock.status", false, ResourceSource.Path, "/lock/status/");
        var privileged = path is "/lock/acquire" or "/lock/release";
        return new RouteAccess(false, method is "GET" or "HEAD" ? AccessRole.Reader : AccessRole.Writer, "lock." + Last(path), privileged, ResourceSource.Body);
    }

    private static RouteAccess Queue(string method, string path)
    {
        if (path == "/queue/list") return new RouteAccess(false, AccessRole.Reader, "queue.list", false, ResourceSource.Listing);
        if (path.StartsWith("/queue/stats/", StringComparison.Ordinal))
            return new RouteAccess(false, AccessRole.Reader, "queue.stats", false, ResourceSource.Path, "/queue/stats/");
        return new RouteAccess(false, method is "GET" or "HEAD" ? AccessRole.Reader : AccessRole.Writer, "queue." + Last(path), false, ResourceSource.Body);
    }

    private static RouteAccess Cache(string method, string path)
    {
        if (path == "/cache/stats") return new RouteAccess(false, AccessRole.Reader, "cache.stats", false, ResourceSource.None);
        if (path.StartsWith("/cache/read/", StringComparison.Ordinal))
            return new RouteAccess(false, AccessRole.Reader, "cache.read", false, ResourceSource.Path, "/cache/read/");
        if (path.StartsWith("/cache/invalidate/", StringComparison.Ordinal))
            return new RouteAccess(false, AccessRole.Writer, "cache.invalidate", false, ResourceSource.Path, "/cache/invalidate/");
        return new RouteAccess(false, method is "GET" or "HEAD" ? AccessRole.Reader : AccessRole.Writer, "cache." + Last(path), false, ResourceSource.Body);
    }

    private static RouteAccess Broadcast(string method, string path)
    {
        if (path == "/broadcast/topics") return new RouteAccess(false, AccessRole.Reader, "broadcast.topics", false, ResourceSource.Listing);
        var get = method is "GET" or "HEAD";
        return new RouteAccess(false, get ? AccessRole.Reader : AccessRole.Writer, "broadcast." + Last(path), false, get ? ResourceSource.Query : ResourceSource.Body);
    }

    private static RouteAccess Read(string action) => new(false, AccessRole.Reader, action, false, ResourceSource.None);

    private static string Last(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string Segment(string path, int index)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return index < parts.Length ? parts[index] : "";
    }

    /// <summary>
    /// The first resource named by the query that <paramref name="prefix"/> does not cover, or null when all are.
    /// No <c>key</c>, <c>prefix</c>, <c>from</c>, <c>to</c> or <c>topic</c> at all means the whole key space, which a
    /// restricted token does not cover.
    /// </summary>
    public static string? UncoveredInQuery(string prefix, Func<string, string?> query)
    {
        var key = query("key");
        var keyPrefix = query("prefix");
        var from = query("from");
        var to = query("to");
        var topic = query("topic");
        if (key is null && keyPrefix is null && from is null && to is null && topic is null) return "(every key)";
        if (key is not null && !ResourcePrefix.Covers(prefix, key)) return key;
        if (keyPrefix is not null && !ResourcePrefix.Covers(prefix, keyPrefix)) return keyPrefix + "*";
        if ((from is not null || to is not null) && !ResourcePrefix.CoversRange(prefix, from ?? "", to ?? "")) return $"[{from}, {to})";
        if (topic is not null && !ResourcePrefix.Covers(prefix, topic)) return topic;
        return null;
    }

    /// <summary>
    /// The first resource named anywhere in the JSON body that <paramref name="prefix"/> does not cover, or null when
    /// all are: every string <c>resource</c>, <c>queue</c>, <c>key</c>, <c>topic</c> and <c>prefix</c> (a fence's
    /// resource and a txn's keys included), and every object's <c>from</c>/<c>to</c> range.
    /// </summary>
    public static string? UncoveredInBody(string prefix, JsonElement body)
    {
        switch (body.ValueKind)
        {
            case JsonValueKind.Object:
                string? from = null, to = null;
                var ranged = false;
                foreach (var p in body.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String)
                    {
                        var text = p.Value.GetString()!;
                        switch (p.Name)
                        {
                            case "resource" or "queue" or "key" or "topic" when !ResourcePrefix.Covers(prefix, text): return text;
                            case "prefix" when !ResourcePrefix.Covers(prefix, text): return text + "*";
                            case "from": from = text; ranged = true; break;
                            case "to": to = text; ranged = true; break;
                        }
                    }
                    else if (UncoveredInBody(prefix, p.Value) is { } inner) return inner;
                }
                return ranged && !ResourcePrefix.CoversRange(prefix, from ?? "", to ?? "") ? $"[{from}, {to})" : null;
            case JsonValueKind.Array:
                foreach (var item in body.EnumerateArray())
                    if (UncoveredInBody(prefix, item) is { } inner) return inner;
                return null;
            default:
                return null;
        }
    }
}
