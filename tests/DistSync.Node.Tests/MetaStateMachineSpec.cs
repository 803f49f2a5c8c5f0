using DistSync.Raft;
using DistSync.KeyValue;
using DistSync.KeyValue.Wire;
using DistSync.Node.Meta;
using DistSync.Node.Meta.Wire;
using DistSync.Raft.Hosting;
using Google.Protobuf;

namespace DistSync.Node.Tests;

public class MetaStateMachineSpec
{
    private static AppliedEntry Entry(long index, ReadOnlyMemory<byte> data, ulong client = 0, ulong seq = 0) =>
        new(index, 1, 1_000 + index, client, seq, data);

    [Fact]
    public void A_kv_command_in_the_envelope_reaches_the_store_and_its_result_comes_back()
    {
        var meta = new MetaStateMachine();

        var result = KvCommands.DecodeResult(meta.Apply(Entry(5, MetaStateMachine.KvCommand(KvCommands.Put("a", "1")))).Span);

        Assert.Equal(5, result.Written.Version);
        Assert.Equal(new KvValue("1", 5, 5), meta.Kv.Get("a"));
        Assert.Equal(5, meta.LastAppliedIndex);
    }

    [Fact]
    public void Client_session_ids_pass_through_the_envelope()
    {
        var meta = new MetaStateMachine();
        var command = MetaStateMachine.KvCommand(KvCommands.Put("a", "1"));

        var first = meta.Apply(Entry(1, command, client: 3, seq: 1)).ToArray();
        var retry = meta.Apply(Entry(2, command, client: 3, seq: 1)).ToArray();

        Assert.Equal(first, retry);
        Assert.Equal(1, meta.Kv.Get("a")!.Value.Version);
    }

    [Fact]
    public void Expire_and_undecodable_entries_leave_the_store_unchanged_and_advance_the_applied_index()
    {
        var meta = new MetaStateMachine();
        meta.Apply(Entry(1, MetaStateMachine.KvCommand(KvCommands.Put("a", "1"))));
        var before = meta.Kv.Snapshot();

        meta.Apply(Entry(2, meta.ExpireCommand));
        Assert.True(meta.Apply(Entry(3, new byte[] { 0xff, 0xff })).IsEmpty);

        Assert.Equal(before, meta.Kv.Snapshot());
        Assert.Equal(3, meta.LastAppliedIndex);
        Assert.Null(meta.NextDeadlineMs); // nothing is due: no sessions, no waits
        Assert.Equal(MetaCommand.CommandOneofCase.Expire, MetaCommand.Parser.ParseFrom(meta.ExpireCommand.Span).CommandCase);
    }

    [Fact]
    public void A_snapshot_restores_an_equal_replica_that_continues_alike()
    {
        var meta = new MetaStateMachine(new KvLimits(64, 64));
        meta.Apply(Entry(1, MetaStateMachine.KvCommand(KvCommands.Put("b", "2"))));
        meta.Apply(Entry(2, MetaStateMachine.KvCommand(KvCommands.Put("a", "1"))));
        meta.Apply(Entry(4, MetaStateMachine.KvCommand(KvCommands.Delete("b"))));

        var replica = new MetaStateMachine(new KvLimits(64, 64));
        replica.Restore(meta.Snapshot());

        Assert.Equal(meta.Snapshot(), replica.Snapshot());
        Assert.Equal(4, replica.LastAppliedIndex);
        var next = MetaStateMachine.KvCommand(KvCommands.Put("a", "x", expectedVersion: 2));
        Assert.Equal(meta.Apply(Entry(5, next)).ToArray(), replica.Apply(Entry(5, next)).ToArray());
        Assert.Equal(meta.Snapshot(), replica.Snapshot());
        Assert.Equal(64, replica.Kv.Limits.MaxKeyBytes);
    }

    [Fact]
    public void The_snapshot_is_encoded_as_the_generated_MetaSnapshot_code_would_with_the_kv_part_written_in_place()
    {
        var meta = new MetaStateMachine();
        for (var i = 1; i <= 50; i++) meta.Apply(Entry(i, MetaStateMachine.KvCommand(KvCommands.Put($"k{i}", new string('v', i * 7)))));

        var bytes = meta.Snapshot();
        var parsed = MetaSnapshot.Parser.ParseFrom(bytes);

        Assert.Equal(parsed.ToByteArray(), bytes);
        Assert.Equal(meta.Kv.Snapshot(), parsed.Kv.ToByteArray());
        Assert.Equal(50, parsed.LastAppliedIndex);
        Assert.Equal(bytes, meta.CaptureSnapshot().ToByteArray());
    }

    [Fact]
    public void A_corrupt_snapshot_is_rejected_and_the_state_is_kept()
    {
        var meta = new MetaStateMachine();
        meta.Apply(Entry(1, MetaStateMachine.KvCommand(KvCommands.Put("a", "1"))));
        var bad = new MetaSnapshot { LastAppliedIndex = 9, Kv = ByteString.CopyFrom(0xff, 0x01) }.ToByteArray();

        Assert.Throws<InvalidDataException>(() => meta.Restore(bad));
        Assert.Throws<InvalidDataException>(() => meta.Restore(new byte[] { 0xff, 0xff, 0xff }));

        Assert.Equal("1", meta.Kv.Get("a")!.Value.Value);
        Assert.Equal(1, meta.LastAppliedIndex);
    }

    [Fact]
    public void Envelope_field_numbers_are_pinned()
    {
        // Written to Raft logs and snapshots: renumbering would misread old data.
        Assert.Equal(1, MetaCommand.KvFieldNumber);
        Assert.Equal(15, MetaCommand.ExpireFieldNumber);
        Assert.Equal(2, MetaSnapshot.KvFieldNumber);
        Assert.Equal(1, KvCommand.PutFieldNumber);
        Assert.Equal(2, KvCommand.DeleteFieldNumber);
        Assert.Equal(3, Put.ExpectedVersionFieldNumber);
    }

    [Fact]
    public void Ending_a_session_deletes_its_ephemeral_keys_in_the_same_entry_and_raises_their_changes()
    {
        var meta = new MetaStateMachine();
        var created = (DistSync.Locks.SessionCreated)DistSync.Locks.LockResults.Decode(
            meta.Apply(Entry(1, MetaStateMachine.LockCommand(DistSync.Locks.LockCommands.CreateSession(10_000)))).Span);
        var bound = KvCommands.DecodeResult(meta.Apply(Entry(2, MetaStateMachine.KvCommand(KvCommands.Put("eph", "1", sessionId: created.SessionId)))).Span);
        Assert.Equal(KvResult.ResultOneofCase.Written, bound.ResultCase);
        var refused = KvCommands.DecodeResult(meta.Apply(Entry(3, MetaStateMachine.KvCommand(KvCommands.Put("x", "1", sessionId: "unknown")))).Span);
        Assert.Equal("unknown", refused.UnknownSession.SessionId);
        var changes = new List<KvChange>();
        meta.KvChanged = changes.Add;

        meta.Apply(Entry(4, MetaStateMachine.LockCommand(DistSync.Locks.LockCommands.DeleteSession(created.SessionId))));

        Assert.Null(meta.Kv.Get("eph"));
        Assert.Equal((4L, KvChangeType.Delete, "eph"), (changes.Single().Version, changes.Single().Type, changes.Single().Key));
    }

    [Fact]
    public void After_a_restore_the_store_still_raises_changes_and_checks_sessions_against_the_restored_locks()
    {
        var source = new MetaStateMachine();
        var created = (DistSync.Locks.SessionCreated)DistSync.Locks.LockResults.Decode(
            source.Apply(Entry(1, MetaStateMachine.LockCommand(DistSync.Locks.LockCommands.CreateSession(10_000)))).Span);
        var replica = new MetaStateMachine();
        var changes = new List<KvChange>();
        var restored = 0;
        replica.KvChanged = changes.Add;
        replica.KvRestored = () => restored++;

        replica.Restore(source.Snapshot());
        var put = KvCommands.DecodeResult(replica.Apply(Entry(2, MetaStateMachine.KvCommand(KvCommands.Put("eph", "1", sessionId: created.SessionId)))).Span);

        Assert.Equal(1, restored);
        Assert.Equal(KvResult.ResultOneofCase.Written, put.ResultCase);
        Assert.Equal("eph", changes.Single().Key);
    }
}
