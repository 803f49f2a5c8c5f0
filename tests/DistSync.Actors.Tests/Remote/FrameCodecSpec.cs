using System.Buffers.Binary;
using System.Text;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Wire;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DistSync.Actors.Tests.Remote;

/// <summary>The hand-written frame encoder and decoder agree with the generated RemoteEnvelope both ways.</summary>
public sealed class FrameCodecSpec
{
    private const int MaxFrame = 1 << 20;

    [Theory]
    [InlineData("dsync://b@127.0.0.1:4054/user/echo", "dsync://a@127.0.0.1:4053/user/client", 60001u, "hello", 0ul)]
    [InlineData("dsync://b@127.0.0.1:4054/user/echo", "", 60001u, "", 42ul)]
    [InlineData("", "", 3u, "x", ulong.MaxValue)]
    public void An_encoded_frame_parses_as_the_generated_envelope(string recipient, string sender, uint typeId, string text, ulong correlation)
    {
        var payload = new StringValue { Value = text };
        var size = payload.CalculateSize();
        var buffer = new byte[1024];

        Assert.True(FrameCodec.TryWriteFrame(buffer, Encoding.UTF8.GetBytes(recipient), Encoding.UTF8.GetBytes(sender), typeId, payload, size, correlation, out var written));

        var bodyLength = BinaryPrimitives.ReadInt32BigEndian(buffer);
        Assert.Equal(written - FrameCodec.LengthPrefixSize, bodyLength);
        var generated = RemoteEnvelope.Parser.ParseFrom(buffer, FrameCodec.LengthPrefixSize, bodyLength);
        Assert.Equal(recipient, generated.Recipient);
        Assert.Equal(sender, generated.Sender);
        Assert.Equal(typeId, generated.TypeId);
        Assert.Equal(correlation, generated.CorrelationId);
        Assert.Equal(text, StringValue.Parser.ParseFrom(generated.Payload).Value);
        Assert.Equal(generated.CalculateSize(), bodyLength);
    }

    [Fact]
    public void A_frame_written_by_the_generated_class_is_read_by_the_decoder()
    {
        var envelope = new RemoteEnvelope
        {
            Recipient = "dsync://b@127.0.0.1:1/user/x",
            Sender = "dsync://a@127.0.0.1:2/temp/ask-7",
            TypeId = 60001,
            Payload = new StringValue { Value = "pong" }.ToByteString(),
            CorrelationId = 9,
        };
        var frame = WithPrefix(envelope.ToByteArray());

        var status = FrameCodec.TryReadFrame(frame, MaxFrame, out var consumed, out var view, out var error);

        Assert.Equal(FrameReadStatus.Frame, status);
        Assert.Null(error);
        Assert.Equal(frame.Length, consumed);
        Assert.Equal(envelope.Recipient, Encoding.UTF8.GetString(view.RecipientUtf8));
        Assert.Equal(envelope.Sender, Encoding.UTF8.GetString(view.SenderUtf8));
        Assert.Equal(60001u, view.TypeId);
        Assert.Equal(9ul, view.CorrelationId);
        Assert.Equal("pong", StringValue.Parser.ParseFrom(view.Payload).Value);
    }

    [Fact]
    public void Writing_into_a_too_small_buffer_returns_false()
    {
        var payload = new StringValue { Value = new string('x', 100) };
        var buffer = new byte[50];

        Assert.False(FrameCodec.TryWriteFrame(buffer, "r"u8, default, 60001, payload, payload.CalculateSize(), 0, out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Many_frames_in_one_buffer_are_read_one_after_another_and_a_partial_one_waits()
    {
        var buffer = new byte[4096];
        var offset = 0;
        for (var i = 0; i < 10; i++)
        {
            var payload = new Int64Value { Value = i };
            Assert.True(FrameCodec.TryWriteFrame(buffer.AsSpan(offset), "r"u8, default, 60002, payload, payload.CalculateSize(), 0, out var written));
            offset += written;
        }

        var data = buffer.AsSpan(0, offset - 2); // last frame incomplete
        var read = 0;
        var count = 0;
        while (true)
        {
            var status = FrameCodec.TryReadFrame(data[read..], MaxFrame, out var consumed, out var view, out _);
            if (status != FrameReadStatus.Frame)
            {
                Assert.Equal(FrameReadStatus.NeedMoreData, status);
                break;
            }

            Assert.Equal(count, Int64Value.Parser.ParseFrom(view.Payload).Value);
            read += consumed;
            count++;
        }

        Assert.Equal(9, count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(MaxFrame + 1)]
    [InlineData(int.MaxValue)]
    public void A_declared_length_outside_the_limits_is_malformed(int length)
    {
        var frame = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(frame, length);

        var status = FrameCodec.TryReadFrame(frame, MaxFrame, out _, out _, out var error);

        Assert.Equal(FrameReadStatus.Malformed, status);
        Assert.Contains("max-frame-size", error);
    }

    [Fact]
    public void Garbage_inside_a_well_sized_frame_is_malformed()
    {
        var random = new Random(7);
        var malformed = 0;
        for (var i = 0; i < 200; i++)
        {
            var body = new byte[random.Next(1, 64)];
            random.NextBytes(body);
            var status = FrameCodec.TryReadFrame(WithPrefix(body), MaxFrame, out _, out _, out var error);
            Assert.NotEqual(FrameReadStatus.NeedMoreData, status);
            if (status == FrameReadStatus.Malformed)
            {
                Assert.False(string.IsNullOrEmpty(error));
                malformed++;
            }
        }

        Assert.True(malformed > 100, $"only {malformed} of 200 random bodies were refused");
    }

    [Fact]
    public void A_field_length_beyond_the_frame_is_malformed()
    {
        // field 4 (payload), length 100, but only 2 bytes follow
        var body = new byte[] { (4 << 3) | 2, 100, 1, 2 };

        var status = FrameCodec.TryReadFrame(WithPrefix(body), MaxFrame, out _, out _, out var error);

        Assert.Equal(FrameReadStatus.Malformed, status);
        Assert.Contains("beyond the frame", error);
    }

    [Fact]
    public void An_envelope_without_a_type_id_is_malformed()
    {
        var body = new RemoteEnvelope { Recipient = "x" }.ToByteArray();

        Assert.Equal(FrameReadStatus.Malformed, FrameCodec.TryReadFrame(WithPrefix(body), MaxFrame, out _, out _, out var error));
        Assert.Contains("type id", error);
    }

    private static byte[] WithPrefix(byte[] body)
    {
        var frame = new byte[body.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }
}
