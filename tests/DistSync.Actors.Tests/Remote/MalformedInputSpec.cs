using System.Buffers.Binary;
using System.Text;
using DistSync.Actors.Remote.Transport;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DistSync.Actors.Tests.Remote;

/// <summary>
/// Bad bytes on the remoting port close that one connection, are counted and logged once, and the node
/// keeps serving a legitimate peer.
/// </summary>
public sealed class MalformedInputSpec : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);
    private readonly CapturingLogSink _serverLog = new();
    private RemoteTransport _server = null!;
    private RecordingInboundHandler _serverInbox = null!;
    private RemoteTransport _client = null!;

    public async Task InitializeAsync()
    {
        (_server, _serverInbox) = await TransportFixture.StartAsync("server", _serverLog);
        (_client, _) = await TransportFixture.StartAsync("client");
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Garbage_bytes_close_the_connection_and_a_legit_peer_still_gets_through()
    {
        await using var raw = await RawPeer.ConnectAsync(_server.LocalAddress);
        await raw.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        Assert.True(await raw.WasClosedByPeerAsync(Generous));
        await AwaitCondition.UntilAsync(() => _server.Metrics.MalformedConnections == 1, "malformed counted");
        Assert.Equal(1, _serverLog.CountErrorsContaining("bad input"));
        await LegitPeerStillWorks("after garbage");
    }

    [Fact]
    public async Task A_frame_declaring_a_huge_length_closes_the_connection()
    {
        await using var raw = await RawPeer.ConnectAsync(_server.LocalAddress);
        await raw.HandshakeAsync(_server.LocalAddress);
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 1_000_000_000);
        await raw.SendAsync(header);

        Assert.True(await raw.WasClosedByPeerAsync(Generous));
        await AwaitCondition.UntilAsync(() => _server.Metrics.MalformedConnections == 1, "malformed counted");
        Assert.Equal(1, _serverLog.CountErrorsContaining("max-frame-size"));
        await LegitPeerStillWorks("after a huge length");
    }

    [Fact]
    public async Task A_frame_with_an_unknown_type_id_closes_the_connection()
    {
        await using var raw = await RawPeer.ConnectAsync(_server.LocalAddress);
        await raw.HandshakeAsync(_server.LocalAddress);
        await raw.SendAsync(RawPeer.Frame("dsync://server@127.0.0.1:1/user/x", 59_999, new StringValue { Value = "?" }));

        Assert.True(await raw.WasClosedByPeerAsync(Generous));
        await AwaitCondition.UntilAsync(() => _server.Metrics.UnknownTypeIdConnections == 1, "unknown type id counted");
        Assert.Equal(1, _serverLog.CountErrorsContaining("unknown type id 59999"));
        Assert.Empty(_serverInbox.Messages);
        await LegitPeerStillWorks("after an unknown type id");
    }

    [Fact]
    public async Task A_frame_cut_off_by_the_peer_closing_is_counted_as_truncated()
    {
        await using var raw = await RawPeer.ConnectAsync(_server.LocalAddress);
        await raw.HandshakeAsync(_server.LocalAddress);
        var frame = RawPeer.Frame("dsync://server@127.0.0.1:1/user/x", TransportFixture.StringValueTypeId, new StringValue { Value = new string('x', 200) });
        await raw.SendAsync(frame[..(frame.Length / 2)]);
        raw.CloseSend();

        await AwaitCondition.UntilAsync(() => _server.Metrics.TruncatedConnections == 1, "truncated counted");
        Assert.Equal(1, _serverLog.CountErrorsContaining("middle of a frame"));
        Assert.Empty(_serverInbox.Messages);
        await LegitPeerStillWorks("after a truncated frame");
    }

    [Fact]
    public async Task A_payload_that_does_not_parse_as_its_type_closes_the_connection()
    {
        await using var raw = await RawPeer.ConnectAsync(_server.LocalAddress);
        await raw.HandshakeAsync(_server.LocalAddress);
        var envelope = new DistSync.Actors.Remote.Wire.RemoteEnvelope
        {
            Recipient = "dsync://server@127.0.0.1:1/user/x",
            TypeId = TransportFixture.StringValueTypeId,
            Payload = Google.Protobuf.ByteString.CopyFrom(0x0A, 0x50, 0x01), // string field claiming 80 bytes, 1 present
        };
        var body = envelope.ToByteArray();
        var frame = new byte[body.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        await raw.SendAsync(frame);

        Assert.True(await raw.WasClosedByPeerAsync(Generous));
        await AwaitCondition.UntilAsync(() => _server.Metrics.MalformedConnections == 1, "malformed counted");
        await LegitPeerStillWorks("after an unparsable payload");
    }

    [Fact]
    public async Task A_first_frame_that_is_not_a_handshake_is_refused()
    {
        await using var raw = await RawPeer.ConnectAsync(_server.LocalAddress);
        await raw.SendAsync(RawPeer.Frame("dsync://server@127.0.0.1:1/user/x", TransportFixture.StringValueTypeId, new StringValue { Value = "sneaky" }));

        Assert.True(await raw.WasClosedByPeerAsync(Generous));
        await AwaitCondition.UntilAsync(() => _server.Metrics.HandshakeFailures == 1, "handshake failure counted");
        Assert.Empty(_serverInbox.Messages);
        await LegitPeerStillWorks("after a missing handshake");
    }

    [Fact]
    public async Task A_handshake_addressed_to_another_system_is_refused()
    {
        await using var raw = await RawPeer.ConnectAsync(_server.LocalAddress);
        var ack = await raw.HandshakeAsync(_server.LocalAddress with { System = "someone-else" });

        Assert.False(ack.Accepted);
        Assert.Contains("someone-else", ack.Reason);
        Assert.True(await raw.WasClosedByPeerAsync(Generous));
        await LegitPeerStillWorks("after a misaddressed handshake");
    }

    private async Task LegitPeerStillWorks(string label)
    {
        var recipient = Encoding.UTF8.GetBytes($"{_server.LocalAddress}/user/echo");
        _client.Send(_server.LocalAddress, new OutboundEnvelope(recipient, null, TransportFixture.StringValueTypeId, new StringValue { Value = label }));
        await AwaitCondition.UntilAsync(
            () => _serverInbox.Messages.Any(m => m.Message is StringValue s && s.Value == label),
            $"legit message '{label}' delivered");
    }
}
