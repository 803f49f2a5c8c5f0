using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Wire;
using Google.Protobuf;

namespace DistSync.Actors.Remote.Transport;

/// <summary>
/// The inbound half of an association: reads frames from an accepted socket, expects a handshake first,
/// answers heartbeats, and hands everything else to the <see cref="IRemoteInboundHandler"/>. Any bad input
/// (a length over max-frame-size, garbage, an unknown type id, a frame cut off by the peer closing) closes
/// this connection only, is counted in <see cref="RemoteMetrics"/> and is logged once.
/// </summary>
internal sealed class InboundConnection
{
    private const int InitialBufferSize = 64 * 1024;
    private const int HandshakeMaxFrameSize = 64 * 1024;

    private readonly RemoteTransport _transport;
    private readonly Socket _socket;
    private readonly EndPoint? _endPoint;
    private InboundContext? _context;
    private Handshake? _pendingHandshake;
    private string? _closeReason;
    private CloseKind _closeKind;

    internal InboundConnection(RemoteTransport transport, Socket socket)
    {
        _transport = transport;
        _socket = socket;
        _endPoint = socket.RemoteEndPoint;
    }

    private enum CloseKind
    {
        None,
        Malformed,
        UnknownTypeId,
        Handshake,
    }

    internal void Close()
    {
        try
        {
            _socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    internal async Task RunAsync(CancellationToken shutdown)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var filled = 0;
        using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        handshakeTimeout.CancelAfter(_transport.Settings.HandshakeTimeout);
        try
        {
            while (true)
            {
                var token = _context is null ? handshakeTimeout.Token : shutdown;
                int received;
                try
                {
                    received = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
                {
                    _transport.Metrics.HandshakeFailure();
                    _transport.Log.Warning("Remoting: inbound connection from {EndPoint} sent no handshake within {Timeout}; closed", _endPoint, _transport.Settings.HandshakeTimeout);
                    return;
                }

                if (received == 0)
                {
                    if (filled > 0)
                    {
                        // Log before counting: whoever sees the counter move can rely on the line being written.
                        _transport.Log.Error("Remoting: connection from {Peer} ({EndPoint}) closed in the middle of a frame ({Bytes} bytes pending); dropped", (object?)_context?.Remote ?? "unknown peer", _endPoint, filled);
                        _transport.Metrics.TruncatedConnection();
                    }

                    return;
                }

                filled += received;
                var consumed = ProcessFrames(buffer.AsSpan(0, filled), out var neededCapacity);
                if (_closeKind != CloseKind.None)
                {
                    ReportClose();
                    return;
                }

                if (_pendingHandshake is { } handshake)
                {
                    _pendingHandshake = null;
                    if (!await AnswerHandshakeAsync(handshake, shutdown).ConfigureAwait(false))
                    {
                        return;
                    }

                    // Handshake done: stop the timer so an idle but valid connection stays open.
                    handshakeTimeout.CancelAfter(Timeout.InfiniteTimeSpan);
                    // Frames that followed the handshake in the same read are processed on the next pass.
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                    filled -= consumed;
                    if (filled > 0)
                    {
                        var more = ProcessFrames(buffer.AsSpan(0, filled), out neededCapacity);
                        if (_closeKind != CloseKind.None)
                        {
                            ReportClose();
                            return;
                        }

                        consumed = more;
                    }
                    else
                    {
                        consumed = 0;
                    }
                }

                if (consumed > 0)
                {
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                    filled -= consumed;
                }

                if (neededCapacity > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(neededCapacity);
                    Buffer.BlockCopy(buffer, 0, larger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // connection reset, or the transport is shutting down
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Close();
            _transport.Forget(this);
        }
    }

    /// <summary>Decodes and dispatches whole frames; returns bytes consumed. Stops at a handshake so it can be answered.</summary>
    private int ProcessFrames(ReadOnlySpan<byte> data, out int neededCapacity)
    {
        neededCapacity = 0;
        // Until the peer has identified itself it gets no more than a handshake needs.
        var maxFrame = _context is null ? Math.Min(HandshakeMaxFrameSize, _transport.Settings.MaxFrameSize) : _transport.Settings.MaxFrameSize;
        var pos = 0;
        var messages = 0;
        while (pos < data.Length)
        {
            var status = FrameCodec.TryReadFrame(data[pos..], maxFrame, out var frameSize, out var envelope, out var error);
            if (status == FrameReadStatus.NeedMoreData)
            {
                if (data.Length - pos >= FrameCodec.LengthPrefixSize)
                {
                    neededCapacity = FrameCodec.LengthPrefixSize + BinaryPrimitives.ReadInt32BigEndian(data[pos..]);
                }

                break;
            }

            if (status == FrameReadStatus.Malformed)
            {
                Fail(CloseKind.Malformed, error!);
                break;
            }

            pos += frameSize;
            messages++;
            if (!Dispatch(envelope))
            {
                break;
            }

            if (_pendingHandshake is not null)
            {
                messages--; // the handshake is not a message
                break;
            }
        }

        if (pos > 0)
        {
            _transport.Metrics.AddReceived(messages, pos);
        }

        return pos;
    }

    private bool Dispatch(EnvelopeView envelope)
    {
        if (!_transport.Registry.TryGetParser(envelope.TypeId, out var parser))
        {
            Fail(CloseKind.UnknownTypeId, $"unknown type id {envelope.TypeId}");
            return false;
        }

        IMessage message;
        try
        {
            message = parser.ParseFrom(envelope.Payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            Fail(CloseKind.Malformed, $"payload of type id {envelope.TypeId} does not parse: {ex.Message}");
            return false;
        }

        if (_context is null)
        {
            if (envelope.TypeId != RemoteControlTypeIds.Handshake || message is not Handshake handshake)
            {
                Fail(CloseKind.Handshake, $"first frame has type id {envelope.TypeId}, expected a handshake");
                return false;
            }

            _pendingHandshake = handshake;
            return true;
        }

        var faults = _transport.Faults;
        if (faults.IsActive && faults.IsBlocked(_context.Remote, _transport.LocalAddress))
        {
            _transport.Metrics.FaultInjectionDrop();
            return true;
        }

        if (RemoteControlTypeIds.IsControl(envelope.TypeId))
        {
            switch (message)
            {
                case Heartbeat heartbeat:
                    _transport.SendControl(_context.Remote, RemoteControlTypeIds.HeartbeatRsp, new HeartbeatRsp
                    {
                        From = _transport.LocalAddressData,
                        Uid = _transport.Uid,
                        Sequence = heartbeat.Sequence,
                    });
                    return true;
                case Handshake:
                    Fail(CloseKind.Handshake, "a second handshake on an established connection");
                    return false;
                default:
                    _transport.Handler.OnControl(_context.Remote, envelope.TypeId, message);
                    return true;
            }
        }

        _transport.Handler.OnMessage(_context, envelope.RecipientUtf8, envelope.SenderUtf8, message);
        return true;
    }

    private async Task<bool> AnswerHandshakeAsync(Handshake handshake, CancellationToken shutdown)
    {
        var local = _transport.LocalAddress;
        string? refusal = null;
        if (handshake.From is null || string.IsNullOrEmpty(handshake.From.System) || string.IsNullOrEmpty(handshake.From.Host) || handshake.From.Port is 0 or > 65535)
        {
            refusal = "handshake carries no valid sender address";
        }
        else if (handshake.To is null || handshake.To.System != local.System || (handshake.To.Port != 0 && handshake.To.Port != (uint)(local.Port ?? 0)))
        {
            refusal = $"handshake is addressed to {FormatAddress(handshake.To)}, this is {local}";
        }

        var ack = new HandshakeAck
        {
            From = _transport.LocalAddressData,
            Uid = _transport.Uid,
            Accepted = refusal is null,
            Reason = refusal ?? "",
        };
        var size = ack.CalculateSize();
        var frame = new byte[FrameCodec.LengthPrefixSize + FrameCodec.MeasureEnvelope(0, 0, RemoteControlTypeIds.HandshakeAck, size, 0)];
        FrameCodec.TryWriteFrame(frame, default, default, RemoteControlTypeIds.HandshakeAck, ack, size, 0, out var written);
        await Association.SendAllAsync(_socket, frame.AsMemory(0, written), shutdown).ConfigureAwait(false);
        if (refusal is not null)
        {
            _transport.Metrics.HandshakeFailure();
            _transport.Log.Warning("Remoting: refused inbound connection from {EndPoint}: {Reason}", _endPoint, refusal);
            return false;
        }

        _context = new InboundContext(RemoteTransport.FromAddressData(handshake.From!), handshake.Uid);
        _transport.Log.Debug("Remoting: inbound association from {Peer} (uid {Uid})", _context.Remote, handshake.Uid);
        return true;
    }

    private static string FormatAddress(AddressData? data) =>
        data is null ? "(none)" : $"dsync://{data.System}@{data.Host}:{data.Port}";

    private void Fail(CloseKind kind, string reason)
    {
        _closeKind = kind;
        _closeReason = reason;
    }

    private void ReportClose()
    {
        // Logged once (the connection is closed right after), and before counting: whoever sees the counter
        // move can rely on the line being written.
        _transport.Log.Error(
            "Remoting: closing connection from {Peer} ({EndPoint}) after bad input: {Reason}",
            (object?)_context?.Remote ?? "unknown peer", _endPoint, _closeReason);
        switch (_closeKind)
        {
            case CloseKind.Malformed:
                _transport.Metrics.MalformedConnection();
                break;
            case CloseKind.UnknownTypeId:
                _transport.Metrics.UnknownTypeIdConnection();
                break;
            case CloseKind.Handshake:
                _transport.Metrics.HandshakeFailure();
                break;
        }
    }
}
