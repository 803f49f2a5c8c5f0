using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DistSync.Client;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// The lock workloads bench locks and bench compare both drive, one closed-loop run each: DistSync's acquire (try-lock)
/// + release and contended exclusive acquire, and etcd's equivalent through its JSON gateway (a lease per client;
/// txn create-if-absent with the lease, then delete). Clients go round-robin over the nodes / members.
/// </summary>
internal static class LockCycles
{
    /// <summary>How long a contended acquire may wait before it counts as an error.</summary>
    public static readonly TimeSpan ContendedWait = TimeSpan.FromSeconds(5);

    /// <summary>etcd has no blocking acquire over the gateway without a watch; a contended client retries its txn this often.</summary>
    private static readonly TimeSpan EtcdRetry = TimeSpan.FromMilliseconds(2);

    /// <summary>etcd's gateway wants proto field names as written (TTL, create_revision): no camelCase policy.</summary>
    private static readonly JsonSerializerOptions EtcdJson = new();

    /// <summary>One DistSync session (5 min TTL) per client, created round-robin over the nodes.</summary>
    public static async Task<string[]> SessionsAsync(DistSyncClient[] nodes, int count)
    {
        var sessions = new string[count];
        for (var w = 0; w < count; w++) sessions[w] = (await nodes[w % nodes.Length].CreateSessionAsync(TimeSpan.FromMinutes(5))).SessionId;
        return sessions;
    }

    /// <summary>Each client try-locks and releases its own resource <c>{prefix}-{client}</c>; latency = the whole cycle.</summary>
    public static Task<ClosedLoopResult> DistSyncCycleAsync(DistSyncClient[] nodes, string[] sessions, int clients, TimeSpan duration, string prefix) =>
        DriveAsync(clients, duration, async w =>
        {
            var node = nodes[w % nodes.Length];
            var resource = $"{prefix}-{w}";
            await node.AcquireAsync(resource, sessions[w]);
            if (!await node.ReleaseAsync(resource, sessions[w])) throw new InvalidOperationException("release found nothing held");
            return null;
        });

    /// <summary>Clients share <paramref name="resources"/> resources, acquire waits up to 5 s, release untimed; latency = the acquire.</summary>
    public static Task<ClosedLoopResult> DistSyncContendedAsync(DistSyncClient[] nodes, string[] sessions, int clients, int resources, TimeSpan duration, string prefix) =>
        DriveAsync(clients, duration, async w =>
        {
            var node = nodes[w % nodes.Length];
            var resource = $"{prefix}-{w % resources}";
            await node.AcquireAsync(resource, sessions[w], LockAccess.Exclusive, ContendedWait);
            return () => node.ReleaseAsync(resource, sessions[w]);
        });

    /// <summary>One etcd lease (TTL 300 s) per client, granted round-robin over the members.</summary>
    public static async Task<string[]> LeasesAsync(HttpClient[] http, int count)
    {
        var leases = new string[count];
        for (var w = 0; w < count; w++)
        {
            using var response = await http[w % http.Length].PostAsJsonAsync("v3/lease/grant", new { TTL = 300 }, EtcdJson);
            response.EnsureSuccessStatusCode();
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            leases[w] = doc.RootElement.GetProperty("ID").GetString() ?? throw new JsonException("lease grant without ID");
        }
        return leases;
    }

    /// <summary>etcd's cycle on the client's own key: txn create-if-absent with its lease (must succeed) + delete.</summary>
    public static Task<ClosedLoopResult> EtcdCycleAsync(HttpClient[] http, string[] leases, int clients, TimeSpan duration, string prefix) =>
        DriveAsync(clients, duration, async w =>
        {
            var client = http[w % http.Length];
            var key = B64($"lock/{prefix}-{w}");
            if (!await TryCreateAsync(client, key, leases[w]).ConfigureAwait(false)) throw new HttpRequestException("etcd txn not succeeded on an uncontended key");
            await DeleteAsync(client, key).ConfigureAwait(false);
            return null;
        });

    /// <summary>
    /// etcd contended: clients share <paramref name="resources"/> keys and retry create-if-absent every 2 ms for up to
    /// 5 s (a poll, not a watch-wait as etcd's own lock recipe does); latency = until created, delete untimed.
    /// </summary>
    public static Task<ClosedLoopResult> EtcdContendedAsync(HttpClient[] http, string[] leases, int clients, int resources, TimeSpan duration, string prefix) =>
        DriveAsync(clients, duration, async w =>
        {
            var client = http[w % http.Length];
            var key = B64($"lock/{prefix}-{w % resources}");
            var started = Stopwatch.GetTimestamp();
            while (!await TryCreateAsync(client, key, leases[w]).ConfigureAwait(false))
            {
                if (Stopwatch.GetElapsedTime(started) > ContendedWait) throw new TimeoutException("etcd contended acquire waited over 5 s");
                await Task.Delay(EtcdRetry).ConfigureAwait(false);
            }
            return async () =>
            {
                await DeleteAsync(client, key).ConfigureAwait(false);
                return true;
            };
        });

    private static async Task<bool> TryCreateAsync(HttpClient client, string key, string lease)
    {
        var txn = new
        {
            compare = new[] { new { key, result = "EQUAL", target = "CREATE", create_revision = "0" } },
            success = new[] { new { request_put = new { key, value = B64("held"), lease } } },
        };
        using var response = await client.PostAsJsonAsync("v3/kv/txn", txn, EtcdJson).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"etcd txn answered {(int)response.StatusCode}: {text}");
        return text.Contains("\"succeeded\":true", StringComparison.Ordinal);
    }

    private static async Task DeleteAsync(HttpClient client, string key)
    {
        using var deleted = await client.PostAsJsonAsync("v3/kv/deleterange", new { key }, EtcdJson).ConfigureAwait(false);
        if (!deleted.IsSuccessStatusCode) throw new HttpRequestException($"etcd delete answered {(int)deleted.StatusCode}");
    }

    /// <summary>Closed-loop workers; the latency of the measured part, then the untimed rest (if any).</summary>
    public static Task<ClosedLoopResult> DriveAsync(int clients, TimeSpan duration, Func<int, Task<Func<Task<bool>>?>> measured) =>
        BenchSupport.DriveClosedLoopAsync(clients, duration, measured,
            e => e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException or InvalidOperationException or TimeoutException);

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
