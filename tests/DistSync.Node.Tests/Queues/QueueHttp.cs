using System.Net;
using System.Net.Http.Json;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Queues;

/// <summary>Raw HTTP calls of the queue routes (the specs check statuses and bodies as API.md states them).</summary>
internal sealed class QueueHttp(Uri baseAddress) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(90) };

    public async Task<(HttpStatusCode Status, T? Body)> PostAsync<T>(string route, object body)
    {
        using var response = await http.PostAsJsonAsync(route, body, DistSyncJson.Options);
        if (!response.IsSuccessStatusCode) return (response.StatusCode, default);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<T>(DistSyncJson.Options));
    }

    public async Task<(HttpStatusCode Status, string Body)> PostRawAsync(string route, string json)
    {
        using var response = await http.PostAsync(route, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<ProduceResponse> ProduceAsync(string queue, string payload, string? key = null, int? priority = null, string? messageId = null)
    {
        using var response = await http.PostAsJsonAsync("queue/produce", new ProduceRequest(queue, payload, key, priority, messageId), DistSyncJson.Options);
        if (response.StatusCode != HttpStatusCode.Created)
            Assert.Fail($"produce answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ProduceResponse>(DistSyncJson.Options))!;
    }

    public async Task<List<ConsumedMessage>> ConsumeAsync(string queue, int max, long visibilityMs = 30_000, long waitMs = 0, string? sessionId = null)
    {
        var (status, body) = await PostAsync<List<ConsumedMessage>>("queue/consume", new ConsumeRequest(queue, max, visibilityMs, waitMs, sessionId));
        Assert.Equal(HttpStatusCode.OK, status);
        return body!;
    }

    public async Task<AckResponse> AckAsync(string queue, IEnumerable<string> receipts)
    {
        var (status, body) = await PostAsync<AckResponse>("queue/ack", new AckRequest(queue, receipts.ToList()));
        Assert.Equal(HttpStatusCode.OK, status);
        return body!;
    }

    public async Task<NackResponse> NackAsync(string queue, IEnumerable<string> receipts, long delayMs = 0)
    {
        var (status, body) = await PostAsync<NackResponse>("queue/nack", new NackRequest(queue, receipts.ToList(), delayMs));
        Assert.Equal(HttpStatusCode.OK, status);
        return body!;
    }

    public async Task<(HttpStatusCode Status, QueueStatsResponse? Body)> StatsAsync(string queue)
    {
        using var response = await http.GetAsync("queue/stats/" + queue);
        if (!response.IsSuccessStatusCode) return (response.StatusCode, null);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<QueueStatsResponse>(DistSyncJson.Options));
    }

    public async Task<List<QueueSummary>> ListAsync() =>
        (await http.GetFromJsonAsync<List<QueueSummary>>("queue/list", DistSyncJson.Options))!;

    public void Dispose() => http.Dispose();
}
