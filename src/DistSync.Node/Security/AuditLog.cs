using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace DistSync.Node.Security;

/// <summary>
/// The audit log (issue 19): one JSON line per security decision that refused a request and per privileged action,
/// in its own file under the node's data dir, rotated by size (audit.jsonl, audit.1.jsonl, ...). Requests only queue
/// their record; one background writer appends and flushes, so a slow disk never holds a request. A record that
/// cannot be queued (the writer far behind) is counted in <see cref="Dropped"/> and logged, never lost silently.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    private const int Capacity = 65_536;
    private readonly Channel<AuditRecord> queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly string path;
    private readonly long maxFileBytes;
    private readonly int retainedFiles;
    private readonly Serilog.ILogger log;
    private readonly Task writer;
    private long dropped;
    private long written;

    public AuditLog(string path, long maxFileBytes, int retainedFiles, Serilog.ILogger log)
    {
        this.path = Path.GetFullPath(path);
        this.maxFileBytes = maxFileBytes;
        this.retainedFiles = retainedFiles;
        this.log = log;
        Directory.CreateDirectory(Path.GetDirectoryName(this.path)!);
        writer = Task.Run(WriteAsync);
    }

    /// <summary>The current file.</summary>
    public string FilePath => path;

    public long Dropped => Interlocked.Read(ref dropped);

    public long Written => Interlocked.Read(ref written);

    public void Record(AuditRecord record)
    {
        if (queue.Writer.TryWrite(record)) return;
        if (Interlocked.Increment(ref dropped) % 1000 == 1)
            log.Error("audit log: {Dropped} records dropped, the writer is {Capacity} records behind (disk too slow?)", Dropped, Capacity);
    }

    private async Task WriteAsync()
    {
        var stream = Open();
        var line = new MemoryStream();
        try
        {
            while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (queue.Reader.TryRead(out var record))
                {
                    line.SetLength(0);
                    using (var json = new Utf8JsonWriter(line)) record.WriteTo(json);
                    line.WriteByte((byte)'\n');
                    if (stream.Length > 0 && stream.Length + line.Length > maxFileBytes)
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                        Rotate();
                        stream = Open();
                    }
                    line.Position = 0;
                    await line.CopyToAsync(stream).ConfigureAwait(false);
                    Interlocked.Increment(ref written);
                }
                await stream.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error(e, "audit log: cannot write {Path}; later records are dropped", path);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private FileStream Open() => new(path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);

    private string Numbered(int n) =>
        Path.Combine(Path.GetDirectoryName(path)!, $"{Path.GetFileNameWithoutExtension(path)}.{n}{Path.GetExtension(path)}");

    private void Rotate()
    {
        if (retainedFiles == 0)
        {
            File.Delete(path);
            return;
        }
        File.Delete(Numbered(retainedFiles));
        for (var n = retainedFiles - 1; n >= 1; n--)
            if (File.Exists(Numbered(n))) File.Move(Numbered(n), Numbered(n + 1));
        File.Move(path, Numbered(1));
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }
}
