using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Wire;
using Google.Protobuf;

namespace DistSync.Actors.Remote.Transport;

/// <summary>
/// The outbound half of the association with one peer: a bounded queue and a loop that connects lazily,
/// handshakes, drains the queue into large batched socket writes, and on failure reconnects with
/// exponential backoff. Messages queued while disconnected wait (or are dropped and counted when the
/// queue is full); a batch in flight when the socket dies is lost (at-most-once delivery, as in Akka).
/// </summary>
public sealed class Association
{
    private const int InitialBufferSize = 64 * 1024;

    // Large enough to amortise the syscall, small enough to keep latency low under load.
    private const int FlushThreshold = 48 * 1024;

    private readonly RemoteTransport _transport;
    private readonly Channel<OutboundEnvelope> _queue;
    private readonly ReconnectBackoff _backoff;
    private readonly CancellationToken _shutdown;
    private volatile bool _connected;
    private long _peerUid;
    private Task? _loop;
    private int _started;
    private bool _oversizeLogged;
    private Socket? _socket;

    internal Association(RemoteTransport transport, Address peer, ReconnectBackoff backoff, CancellationToken shutdown)
    {
        _transport = transport;
        Peer = peer;
        _backoff = backoff;
        _shutdown = shutdown;
        _queue = Channel.CreateBounded<OutboundEnvelope>(new BoundedChannelOptions(transport.Settings.OutboundQueueSize)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
    }

    public Address Peer { get; }

    /// <summary>True while a handshaken connection is open.</summary>
    public bool IsConnected => _connected;

    /// <summary>Uid of the peer incarnation from the last handshake (0 before any).</summary>
    public ulong PeerUid => (ulong)Interlocked.Read(ref _peerUid);

    /// <summary>Messages waiting to be written.</summary>
    public int QueuedCount => _queue.Reader.CanCount ? _queue.Reader.Count : -1;

    /// <summary>Queues a message; false (and counted) when the queue is full.</summary>
    public bool TryEnqueue(in OutboundEnvelope envelope)
    {
        if (_queue.Writer.TryWrite(envelope))
        {
            if (_started == 0)
            {
                Start();
            }

            return true;
        }

        _transport.Metrics.OutboundQueueDrop();
        return false;
    }

    internal void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _loop = Task.Run(RunAsync);
        }
    }

    internal async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            _socket?.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }

        if (_loop is { } loop)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_shutdown.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await ConnectAndHandshakeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (!_shutdown.IsCancellationRequested)
            {
                _transport.Metrics.ConnectFailure();
                _transport.Log.Debug(ex, "Remoting: connecting to {Peer} failed (attempt {Attempt}): {Reason}", Peer, attempt + 1, ex.Message);
                if (!await DelayAsync(_backoff.Next(attempt++)).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }
            catch (Exception)
            {
                return;
            }

            attempt = 0;
            _socket = socket;
            _connected = true;
            _transport.Metrics.AssociationEstablished();
            _transport.Log.Information("Remoting: associated with {Peer} (uid {Uid})", Peer, PeerUid);
            _transport.Handler.OnAssociated(Peer, PeerUid);
            try
            {
                await WriteLoopAsync(socket).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_shutdown.IsCancellationRequested)
            {
                _transport.Log.Warning("Remoting: connection to {Peer} lost: {Reason}", Peer, ex.Message);
            }
            catch (Exception)
            {
                // shutting down
            }
            finally
            {
                _connected = false;
                _socket = null;
                socket.Dispose();
            }

            if (_shutdown.IsCancellationRequested || _queue.Reader.Completion.IsCompleted)
            {
                return;
            }

            _transport.Handler.OnDisassociated(Peer);
            if (!await DelayAsync(_backoff.Next(attempt++)).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _shutdown).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<Socket> ConnectAndHandshakeAsync()
    {
        var settings = _transport.Settings;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_shutdown);
        timeout.CancelAfter(settings.HandshakeTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(Peer.Host!, Peer.Port!.Value, timeout.Token).ConfigureAwait(false);
            var handshake = new Handshake
            {
                From = _transport.LocalAddressData,
                Uid = _transport.Uid,
                To = RemoteTransport.ToAddressData(Peer),
            };
            await SendSingleAsync(socket, RemoteControlTypeIds.Handshake, handshake, timeout.Token).ConfigureAwait(false);
            var (typeId, message) = await ReadSingleFrameAsync(socket, timeout.Token).ConfigureAwait(false);
            if (typeId != RemoteControlTypeIds.HandshakeAck || message is not HandshakeAck ack)
            {
                _transport.Metrics.HandshakeFailure();
                throw new IOException($"peer answered the handshake with type id {typeId}");
            }

            if (!ack.Accepted)
            {
                _transport.Metrics.HandshakeFailure();
                throw new IOException($"peer refused the handshake: {ack.Reason}");
            }

            Interlocked.Exchange(ref _peerUid, (long)ack.Uid);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task SendSingleAsync(Socket socket, uint typeId, IMessage message, CancellationToken ct)
    {
        var size = message.CalculateSize();
        var buffer = new byte[FrameCodec.LengthPrefixSize + FrameCodec.MeasureEnvelope(0, 0, typeId, size, 0)];
        FrameCodec.TryWriteFrame(buffer, default, default, typeId, message, size, 0, out var written);
        await SendAllAsync(socket, buffer.AsMemory(0, written), ct).ConfigureAwait(false);
    }

    private async Task<(uint TypeId, IMessage? Message)> ReadSingleFrameAsync(Socket socket, CancellationToken ct)
    {
        var header = new byte[FrameCodec.LengthPrefixSize];
        await ReceiveExactlyAsync(socket, header, ct).ConfigureAwait(false);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header);
        if (length <= 0 || length > 64 * 1024)
        {
            throw new IOException($"handshake answer has an invalid frame length {length}");
        }

        var frame = new byte[FrameCodec.LengthPrefixSize + length];
        header.CopyTo(frame, 0);
        await ReceiveExactlyAsync(socket, frame.AsMemory(FrameCodec.LengthPrefixSize), ct).ConfigureAwait(false);
        return Decode(frame);
    }

    private (uint, IMessage?) Decode(byte[] frame)
    {
        if (FrameCodec.TryReadFrame(frame, _transport.Settings.MaxFrameSize, out _, out var view, out var error) != FrameReadStatus.Frame)
        {
            throw new IOException($"handshake answer is malformed: {error}");
        }

        return _transport.Registry.TryGetParser(view.TypeId, out var parser)
            ? (view.TypeId, parser.ParseFrom(view.Payload))
            : (view.TypeId, null);
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("connection closed during the handshake");
            }

            buffer = buffer[n..];
        }
    }

    internal static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (data.Length > 0)
        {
            var n = await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[n..];
        }
    }

    private async Task WriteLoopAsync(Socket socket)
    {
        using var connectionCts = CancellationTokenSource.CreateLinkedTokenSource(_shutdown);
        var ct = connectionCts.Token;
        // The acceptor never writes after its handshake answer: a completed read means the peer closed.
        var closeWatch = WatchForCloseAsync(socket, connectionCts);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var filled = 0;
                var count = 0;
                while (filled < FlushThreshold && reader.TryRead(out var item))
                {
                    if (!EncodeOne(ref buffer, ref filled, in item, out var needsFlush))
                    {
                        continue;
                    }

                    if (needsFlush)
                    {
                        await FlushAsync(socket, buffer, filled, count, ct).ConfigureAwait(false);
                        filled = 0;
                        count = 0;
                        if (!EncodeOne(ref buffer, ref filled, in item, out _))
                        {
                            continue;
                        }
                    }

                    count++;
                }

                if (filled > 0)
                {
                    await FlushAsync(socket, buffer, filled, count, ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await connectionCts.CancelAsync().ConfigureAwait(false);
            try
            {
                await closeWatch.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // the watch ends with the socket
            }
        }
    }

    /// <summary>
    /// Appends one frame. Returns false when the message is dropped (fault injection, oversize);
    /// sets <paramref name="needsFlush"/> when the buffer must be flushed first (nothing written then).
    /// </summary>
    private bool EncodeOne(ref byte[] buffer, ref int filled, in OutboundEnvelope item, out bool needsFlush)
    {
        needsFlush = false;
        var faults = _transport.Faults;
        if (faults.IsActive && faults.ShouldDrop(_transport.LocalAddress, Peer))
        {
            _transport.Metrics.FaultInjectionDrop();
            return false;
        }

        var payloadSize = item.Message.CalculateSize();
        var senderLength = item.SenderUtf8?.Length ?? 0;
        var bodySize = FrameCodec.MeasureEnvelope(item.RecipientUtf8.Length, senderLength, item.TypeId, payloadSize, item.CorrelationId);
        if (bodySize > _transport.Settings.MaxFrameSize)
        {
            _transport.Metrics.OversizeDrop();
            if (!_oversizeLogged)
            {
                _oversizeLogged = true;
                _transport.Log.Error(
                    "Remoting: dropped a {Type} of {Size} bytes to {Peer}: larger than max-frame-size {Max} (logged once per association)",
                    item.Message.GetType().Name, bodySize, Peer, _transport.Settings.MaxFrameSize);
            }

            return false;
        }

        var frameSize = FrameCodec.LengthPrefixSize + bodySize;
        if (buffer.Length - filled < frameSize)
        {
            if (filled > 0)
            {
                needsFlush = true;
                return true;
            }

            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(frameSize);
        }

        FrameCodec.TryWriteFrame(buffer.AsSpan(filled), item.RecipientUtf8, item.SenderUtf8, item.TypeId, item.Message, payloadSize, item.CorrelationId, out var written);
        filled += written;
        return true;
    }

    private async ValueTask FlushAsync(Socket socket, byte[] buffer, int filled, int count, CancellationToken ct)
    {
        var faults = _transport.Faults;
        if (faults.IsActive)
        {
            var delay = faults.DelayFor(_transport.LocalAddress, Peer);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }

        await SendAllAsync(socket, buffer.AsMemory(0, filled), ct).ConfigureAwait(false);
        _transport.Metrics.AddSent(count, filled);
    }

    private static async Task WatchForCloseAsync(Socket socket, CancellationTokenSource connection)
    {
        var one = new byte[1];
        try
        {
            await socket.ReceiveAsync(one, SocketFlags.None, connection.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // reset or cancelled: either way the connection is over
        }

        await connection.CancelAsync().ConfigureAwait(false);
    }
}
