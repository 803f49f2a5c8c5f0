using System.Globalization;
using System.Text.Json;

namespace DistSync.Node.Tests.Broadcast;

/// <summary>
/// A spec's SSE subscriber on /broadcast/subscribe, written from the wire format (not the product's client): it reads
/// <c>id:</c>/<c>data:</c> events, and when its node's stream ends or fails it reconnects to the next node in its list
/// with <c>Last-Event-ID</c>, as a browser's EventSource would. It records every (seq, payload) it received.
/// </summary>
internal sealed class SseSubscriber
{
    private readonly List<(long Seq, string Payload)> received = [];
    private readonly object gate = new();

    public IReadOnlyList<(long Seq, string Payload)> Received
    {
        get
        {
            lock (gate) return [.. received];
        }
    }

    public long LastSeq
    {
        get
        {
            lock (gate) return received.Count == 0 ? 0 : received[^1].Seq;
        }
    }

    public int Reconnects { get; private set; }

    /// <summary>Follows <paramref name="topic"/> from seq 1 through <paramref name="nodes"/> (starting at
    /// <paramref name="first"/>) until <paramref name="ct"/> fires.</summary>
    public async Task RunAsync(Func<IReadOnlyList<Uri>> nodes, int first, string topic, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var index = first;
        while (!ct.IsCancellationRequested)
        {
            var list = nodes();
            var node = list[index % list.Count];
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, $"broadcast/subscribe?topic={Uri.EscapeDataString(topic)}&from=1"));
                var last = LastSeq;
                if (last > 0) request.Headers.Add("Last-Event-ID", last.ToString(CultureInfo.InvariantCulture));
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                string? data = null;
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
                    else if (line.Length == 0 && data is not null)
                    {
                        using var json = JsonDocument.Parse(data);
                        var seq = json.RootElement.GetProperty("seq").GetInt64();
                        var payload = json.RootElement.GetProperty("payload").GetString()!;
                        lock (gate) received.Add((seq, payload));
                        data = null;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // the node died or the stream broke: the next node, from the last seq seen
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            if (ct.IsCancellationRequested) return;
            index++;
            Reconnects++;
            await Task.Delay(100, CancellationToken.None);
        }
    }
}
