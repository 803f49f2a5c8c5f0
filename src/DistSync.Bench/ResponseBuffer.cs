using System.Text;

namespace DistSync.Bench;

/// <summary>
/// One load worker's reusable buffer for answer bodies: a 1,000-key range is read into the same array every time
/// instead of a new string or byte array per request. Not thread-safe: one per worker.
/// </summary>
internal sealed class ResponseBuffer
{
    private byte[] _bytes = new byte[16 * 1024];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    /// <summary>Reads the whole body of <paramref name="response"/> (sent with ResponseHeadersRead) into the buffer.</summary>
    public async Task ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        Length = 0;
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        while (true)
        {
            if (Length == _bytes.Length) Array.Resize(ref _bytes, _bytes.Length * 2);
            var n = await stream.ReadAsync(_bytes.AsMemory(Length), ct).ConfigureAwait(false);
            if (n == 0) return;
            Length += n;
        }
    }

    /// <summary>The body as text, cut at <paramref name="max"/> characters (for error reports).</summary>
    public string Text(int max = 400)
    {
        var text = Encoding.UTF8.GetString(Span);
        return text.Length <= max ? text : text[..max] + $"... ({Length} bytes)";
    }
}
