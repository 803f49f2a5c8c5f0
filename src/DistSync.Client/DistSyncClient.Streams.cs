using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace DistSync.Client;

/// <summary>
/// The Server-Sent-Events plumbing shared by the broadcast subscribe and the KV watch: opening a stream on one node,
/// and reading its events with a dead stream (reset, idle past <see cref="StreamIdleTimeout"/>) reported as
/// <see cref="NodeUnreachableException"/>, the failure the callers move to another node on.
/// </summary>
public sealed partial class DistSyncClient
{
    /// <summary>Sends a GET whose answer is a stream to <paramref name="node"/>: this client's timeout bounds the wait for the headers only.</summary>
    private async Task<HttpResponseMessage> OpenStreamAsync(Uri node, string path, string? lastEventId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, path));
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var deadline = _timeout ?? _http.Timeout;
        using var timer = _timeout is null || _timeout == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer?.CancelAfter(deadline);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timer?.Token ?? ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NodeUnreachableException(node.Authority, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new NodeUnreachableException(node.Authority, new TimeoutException($"no answer within {deadline.TotalSeconds:0.#} s", e));
        }
    }

    /// <summary>
    /// The events of a successful stream answer, parsed by <paramref name="parse"/>, until the node closes the stream.
    /// </summary>
    /// <exception cref="InvalidDataException">The answer is not <c>text/event-stream</c>.</exception>
    /// <exception cref="NodeUnreachableException">The stream broke off, or brought nothing for <see cref="StreamIdleTimeout"/>.</exception>
    private async IAsyncEnumerable<SseItem<T>> ReadEventsAsync<T>(HttpResponseMessage response, Uri node, string route, SseItemParser<T> parse,
        [EnumeratorCancellation] CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            throw new InvalidDataException($"{route} answered {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not text/event-stream");
        Stream stream;
        try
        {
            stream = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), StreamIdleTimeout);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new NodeUnreachableException(node.Authority, e);
        }
        await using var _ = stream.ConfigureAwait(false);
        var events = SseParser.Create(stream, parse).EnumerateAsync(ct).GetAsyncEnumerator(ct);
        await using var __ = events.ConfigureAwait(false);
        while (true)
        {
            // A yield may not sit in a try with a catch, so the stream is advanced here and yielded below.
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false)) yield break;
            }
            catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
            {
                throw new NodeUnreachableException(node.Authority, e);
            }
            yield return events.Current;
        }
    }

    /// <summary>
    /// A read-only view of a response stream whose reads fail with <see cref="TimeoutException"/> when no byte came
    /// for the idle time (a comment counts: it is what keeps an idle stream alive).
    /// </summary>
    private sealed class IdleTimeoutStream(Stream inner, TimeSpan idle) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (idle == Timeout.InfiniteTimeSpan) return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(idle);
            try
            {
                return await inner.ReadAsync(buffer, timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the stream brought nothing for {idle.TotalSeconds:0.#} s (not even a keep-alive)", e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
