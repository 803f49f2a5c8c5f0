using DistSync.Queues.Wire;
using Google.Protobuf.Reflection;

namespace DistSync.Queues.Tests;

/// <summary>Field numbers and enum values of queues.proto are in the Raft log and in snapshots: pinned, so they only ever grow.</summary>
public sealed class QueueWireSpec
{
    [Theory]
    [InlineData("produce", 1)]
    [InlineData("consume", 2)]
    [InlineData("ack", 3)]
    [InlineData("nack", 4)]
    [InlineData("release_session", 5)]
    [InlineData("expire", 6)]
    public void Command_field_numbers_are_pinned(string field, int number) => Assert.Equal(number, Number(QueueCommand.Descriptor, field));

    [Theory]
    [InlineData("produced", 1)]
    [InlineData("consumed", 2)]
    [InlineData("acked", 3)]
    [InlineData("nacked", 4)]
    [InlineData("session_released", 5)]
    [InlineData("expiry_applied", 6)]
    [InlineData("stale_fence", 7)]
    [InlineData("invalid", 8)]
    public void Result_field_numbers_are_pinned(string field, int number) => Assert.Equal(number, Number(QueueResult.Descriptor, field));

    [Fact]
    public void Dead_letter_reasons_are_pinned()
    {
        Assert.Equal(0, (int)DeadLetterReason.Unspecified);
        Assert.Equal(1, (int)DeadLetterReason.LeaseExpired);
        Assert.Equal(2, (int)DeadLetterReason.Nacked);
        Assert.Equal(3, (int)DeadLetterReason.SessionReleased);
        Assert.Equal(4, Enum.GetValues<DeadLetterReason>().Length); // a new reason needs a pin above
    }

    [Fact]
    public void Snapshot_field_numbers_are_pinned()
    {
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], QueueSnapshot.Descriptor.Fields.InFieldNumberOrder().Select(f => f.FieldNumber));
        Assert.Equal(Enumerable.Range(1, 12), MessageRecord.Descriptor.Fields.InFieldNumberOrder().Select(f => f.FieldNumber));
        Assert.Equal(12, Number(MessageRecord.Descriptor, "session_id"));
        Assert.Equal(9, Number(MessageRecord.Descriptor, "ready_at_ms"));
    }

    private static int Number(MessageDescriptor descriptor, string field) => descriptor.FindFieldByName(field).FieldNumber;
}
