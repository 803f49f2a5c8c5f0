using System.Net.Http.Json;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Kv;

/// <summary>The new /kv routes driven over plain HTTP (the specs pin the wire contract, not a client library).</summary>
internal static class KvHttp
{
    public static async Task<KvRangeResponse> RangeAsync(this HttpClient http, Uri node, string query)
    {
        using var response = await http.GetAsync(new Uri(node, "kv?" + query));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /kv?{query} answered {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize<KvRangeResponse>(text, DistSyncJson.Options)!;
    }

    public static async Task<KvTxnResponse> TxnAsync(this HttpClient http, Uri node, KvTxnRequest txn)
    {
        using var response = await http.PostAsJsonAsync(new Uri(node, "kv/txn"), txn, DistSyncJson.Options);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /kv/txn answered {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize<KvTxnResponse>(text, DistSyncJson.Options)!;
    }

    public static async Task<(int Status, ProblemDetails? Problem)> TxnProblemAsync(this HttpClient http, Uri node, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(node, "kv/txn"), content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response.IsSuccessStatusCode ? null : System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(text, DistSyncJson.Options));
    }

    public static async Task<KvPutResponse> PutAsync(this HttpClient http, Uri node, string key, string value, string? sessionId = null)
    {
        using var response = await http.PutAsJsonAsync(new Uri(node, DistSyncClient.KvPath(key)), new KvPutRequest(value, null, sessionId), DistSyncJson.Options);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {key} answered {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize<KvPutResponse>(text, DistSyncJson.Options)!;
    }
}
