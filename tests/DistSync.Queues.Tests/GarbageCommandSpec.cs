using DistSync.Queues.Wire;
using DistSync.Raft;

namespace DistSync.Queues.Tests;

public sealed class GarbageCommandSpec
{
    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x0A, 0x05, 0x01 })] // a length past the end
    [InlineData(new byte[] { 0x08, 0x96, 0x01 })] // valid Protobuf, no known command
    public void Bytes_that_are_not_a_queue_command_get_an_invalid_result_and_still_advance_index_and_time(byte[] data)
    {
        var h = new QueueHarness();
        h.Produce("a");
        h.ConsumeOne(visibilityMs: 1_000);
        h.NowMs += 1_000;
        var result = h.ApplyBytes(data);
        Assert.Equal(QueueResult.ResultOneofCase.Invalid, result.ResultCase);
        Assert.Equal("command", result.Invalid.Field);
        Assert.Equal(h.Index, h.Machine.LastAppliedIndex);
        Assert.Equal(1, h.Stats().Ready); // the entry's log time still expired the lease
        Assert.Equal(2, h.ConsumeOne().DeliveryCount);
        Assert.Equal(1L, h.Stats().ProducedTotal);
    }

    [Theory]
    [InlineData(0, 1_000L, "max")]
    [InlineData(1_001, 1_000L, "max")]
    [InlineData(1, 0L, "visibilityMs")]
    [InlineData(1, 12 * 3_600_000L + 1, "visibilityMs")]
    public void A_consume_out_of_bounds_is_invalid_and_leases_nothing(int max, long visibilityMs, string field)
    {
        var h = new QueueHarness();
        h.Produce("a");
        var result = h.Apply(QueueCommands.Consume(max, visibilityMs));
        Assert.Equal(field, result.Invalid.Field);
        Assert.Equal(1, h.Stats().Ready);
    }

    [Fact]
    public void A_nack_with_a_negative_delay_too_many_receipts_or_a_release_of_session_zero_is_invalid_and_changes_nothing()
    {
        var h = new QueueHarness(new QueueOptions { MaxReceipts = 2 });
        h.Produce("a");
        var m = h.ConsumeOne();
        var receipt = QueueCommands.Receipt(m.Seq, m.LeaseId);
        Assert.Equal("delayMs", h.Apply(QueueCommands.Nack([receipt], -1)).Invalid.Field);
        Assert.Equal("receipts", h.Apply(QueueCommands.Nack([receipt, receipt, receipt])).Invalid.Field);
        Assert.Equal("receipts", h.Apply(QueueCommands.Ack([receipt, receipt, receipt])).Invalid.Field);
        Assert.Equal("sessionId", h.Apply(QueueCommands.ReleaseSession(0)).Invalid.Field);
        Assert.Equal(1, h.Stats().InFlight);
        Assert.Equal(1, h.Ack(m).AckedCount);
    }

    [Fact]
    public void An_entry_applied_twice_or_out_of_order_throws_as_the_host_bug_it_is_and_changes_nothing()
    {
        var h = new QueueHarness();
        h.Produce("a");
        var before = h.Machine.Snapshot();
        var data = QueueCommands.Encode(QueueCommands.Produce("b", "x"u8));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Machine.Apply(new AppliedEntry(h.Index, 1, h.NowMs, 0, 0, data)));
        Assert.Equal(before, h.Machine.Snapshot());
    }

    [Fact]
    public void Indexes_may_skip_the_leaders_no_op_entries_and_log_time_never_goes_back()
    {
        var machine = new QueuePartitionStateMachine();
        var produce = QueueCommands.Encode(QueueCommands.Produce("a", "x"u8));
        machine.Apply(new AppliedEntry(5, 1, 10_000, 0, 0, produce));
        var consume = QueueCommands.Encode(QueueCommands.Consume(1, 1_000));
        var result = QueueResults.Decode(machine.Apply(new AppliedEntry(9, 2, 9_000, 0, 0, consume)).Span); // a new leader's clock behind
        Assert.Equal(11_000, result.Consumed.LeaseDeadlineMs);
        Assert.Equal((9L, 10_000L), (machine.LastAppliedIndex, machine.LastLogTimeMs));
    }

    [Fact]
    public void The_expire_command_is_an_encoded_expire()
    {
        var machine = new QueuePartitionStateMachine();
        Assert.Equal(QueueCommand.CommandOneofCase.Expire, QueueCommand.Parser.ParseFrom(machine.ExpireCommand.Span).CommandCase);
        Assert.Null(machine.NextDeadlineMs);
    }

    [Fact]
    public void Decoding_bytes_that_are_not_a_queue_result_throws_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => QueueResults.Decode([0xFF]));
        Assert.Throws<InvalidDataException>(() => QueueResults.Decode([]));
    }
}
