using System.Text.Json;
using System.Threading.Channels;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Kv;

/// <summary>
/// A spec's watcher on <c>GET /kv/watch</c>, written from the SSE wire format (not the product's client): it records
/// the <c>created</c> event and every change with its <c>id:</c>. With several nodes it reconnects to the next one
/// when a stream ends or fails, sending <c>Last-Event-ID</c> as a browser's EventSource would.
/// </summary>
internal sealed class KvWatchStream : IAsyncDisposable
{
    private readonly Channel<(string Id, KvWatchEvent Event)> _events = Channel.CreateUnbounded<(string, KvWatchEvent)>();
    private readonly TaskCompletionSource<KvWatchCreated> _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private string? _lastId;

    private KvWatchStream(IReadOnlyList<Uri> nodes, string query)
    {
        _run = Task.Run(() => RunAsync(nodes, query));
    }

    public int Reconnects { get; private set; }

    /// <summary>The data of every <c>event: error</c> that ended a stream.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>The stream's `compacted` event, if it ended with one.</summary>
    public long? CompactedOldest { get; private set; }

    /// <summary>Opens the watch and waits for its <c>created</c> event.</summary>
    public static async Task<KvWatchStream> OpenAsync(IReadOnlyList<Uri> nodes, string query, TimeSpan timeout)
    {
        var stream = new KvWatchStream(nodes, query);
        await stream._created.Task.WaitAsync(timeout);
        return stream;
    }

    public Task<KvWatchCreated> Created => _created.Task;

    /// <summary>The next <paramref name="count"/> changes, in the order received.</summary>
    public async Task<List<(string Id, KvWatchEvent Event)>> TakeAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var list = new List<(string, KvWatchEvent)>(count);
        try
        {
            while (list.Count < count) list.Add(await _events.Reader.ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"got {list.Count} of {count} watch events in {timeout}: [{string.Join(", ", list.Select(e => e.Item1))}]");
        }
        return list;
    }

    /// <summary>What arrived so far without waiting.</summary>
    public List<(string Id, KvWatchEvent Event)> Drain()
    {
        var list = new List<(string, KvWatchEvent)>();
        while (_events.Reader.TryRead(out var e)) list.Add(e);
        return list;
    }

    private async Task RunAsync(IReadOnlyList<Uri> nodes, string query)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var ct = _stop.Token;
        var index = 0;
        while (!ct.IsCancellationRequested)
        {
            var node = nodes[index % nodes.Count];
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, "kv/watch?" + query));
                if (_lastId is not null) request.Headers.Add("Last-Event-ID", _lastId);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (!response.IsSuccessStatusCode)
                {
                    _created.TrySetException(new HttpRequestException($"watch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}"));
                    if (nodes.Count == 1) return;
                }
                else
                {
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                    string? type = null, id = null, data = null;
                    while (await reader.ReadLineAsync(ct) is { } line)
                    {
                        if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
                        else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                        else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
                        else if (line.Length == 0 && data is not null)
                        {
                            switch (type)
                            {
                                case "created":
                                    _created.TrySetResult(JsonSerializer.Deserialize<KvWatchCreated>(data, DistSyncJson.Options)!);
                                    break;
                                case "error":
                                    lock (Errors) Errors.Add(data);
                                    break;
                                case "compacted":
                                    CompactedOldest = JsonDocument.Parse(data).RootElement.GetProperty("oldestVersion").GetInt64();
                                    break;
                                default:
                                    var e = JsonSerializer.Deserialize<KvWatchEvent>(data, DistSyncJson.Options)!;
                                    _lastId = id;
                                    await _events.Writer.WriteAsync((id!, e), ct);
                                    break;
                            }
                            type = id = data = null;
                        }
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // the node died or the stream broke: the next node, from the last id seen
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            if (ct.IsCancellationRequested || nodes.Count == 1 && CompactedOldest is not null) return;
            index++;
            Reconnects++;
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
