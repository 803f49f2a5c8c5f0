using System.Buffers.Binary;
using System.Net.Sockets;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Wire;
using Google.Protobuf;

namespace DistSync.Actors.Tests.Remote;

/// <summary>A hand-driven TCP client on a remoting port, for feeding it bad bytes.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpClient _client = new();

    private NetworkStream Stream => _client.GetStream();

    public static async Task<RawPeer> ConnectAsync(Address target)
    {
        var peer = new RawPeer();
        await peer._client.ConnectAsync(target.Host!, target.Port!.Value);
        return peer;
    }

    public static byte[] Frame(string recipient, uint typeId, IMessage payload)
    {
        var size = payload.CalculateSize();
        var buffer = new byte[4096];
        FrameCodec.TryWriteFrame(buffer, System.Text.Encoding.UTF8.GetBytes(recipient), default, typeId, payload, size, 0, out var written);
        return buffer[..written];
    }

    /// <summary>Sends a valid handshake and reads the acceptor's answer.</summary>
    public async Task<HandshakeAck> HandshakeAsync(Address target, string fromSystem = "raw")
    {
        var handshake = new Handshake
        {
            From = new AddressData { System = fromSystem, Host = "127.0.0.1", Port = 1 },
            Uid = 7,
            To = new AddressData { System = target.System, Host = target.Host, Port = (uint)target.Port!.Value },
        };
        await SendAsync(Frame("", RemoteControlTypeIds.Handshake, handshake));
        var header = new byte[4];
        await Stream.ReadExactlyAsync(header);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await Stream.ReadExactlyAsync(body);
        var envelope = RemoteEnvelope.Parser.ParseFrom(body);
        Assert.Equal(RemoteControlTypeIds.HandshakeAck, envelope.TypeId);
        return HandshakeAck.Parser.ParseFrom(envelope.Payload);
    }

    public async Task SendAsync(byte[] bytes)
    {
        await Stream.WriteAsync(bytes);
        await Stream.FlushAsync();
    }

    /// <summary>True when the other side closed the connection within the timeout.</summary>
    public async Task<bool> WasClosedByPeerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var scratch = new byte[256];
        try
        {
            while (true)
            {
                var n = await Stream.ReadAsync(scratch, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset
        }
    }

    /// <summary>Closes our side, e.g. in the middle of a frame.</summary>
    public void CloseSend() => _client.Client.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
