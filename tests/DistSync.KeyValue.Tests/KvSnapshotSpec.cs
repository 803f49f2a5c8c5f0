using DistSync.KeyValue.Wire;

namespace DistSync.KeyValue.Tests;

public class KvSnapshotSpec
{
    [Fact]
    public void Snapshot_records_are_sorted_by_key_whatever_the_insertion_order()
    {
        var kv = new KvStateMachine();
        var index = 0L;
        foreach (var key in new[] { "b", "a", "c", "B", "ä", "aa" }) kv.Apply(++index, 1, 0, 0, KvCommands.Put(key, key));

        var keys = KvSnapshot.Parser.ParseFrom(kv.Snapshot()).Records.Select(r => r.Key).ToArray();

        Assert.Equal(["B", "a", "aa", "b", "c", "ä"], keys);
        // A replica restored from it (whose dictionary was filled in sorted order) writes the same bytes.
        var replica = new KvStateMachine();
        replica.Restore(kv.Snapshot());
        Assert.Equal(kv.Snapshot(), replica.Snapshot());
    }

    [Fact]
    public void The_snapshot_is_encoded_exactly_as_the_generated_KvSnapshot_code_would_encode_it()
    {
        // The records are written straight from the captured array, not through KvRecord objects; a replica of an
        // older build and this one must still agree byte for byte, and a size off by one would corrupt the snapshot.
        var kv = new KvStateMachine { SessionIsLive = id => id == "s-1" };
        var index = 0L;
        kv.Apply(++index, 1_000, 0, 0, KvCommands.Put("plain", "value"));
        kv.Apply(++index, 1_001, 0, 0, KvCommands.Put("empty-value", ""));
        kv.Apply(++index, 1_002, 0, 0, KvCommands.Put("ünïcødé/鍵", "värde 値 " + new string('x', 300)));
        kv.Apply(++index, 1_003, 0, 0, KvCommands.Put("bound", "to a session", sessionId: "s-1"));
        kv.Apply(++index, 1_004, 7, 1, KvCommands.Put("from-a-client", "v"));
        kv.Apply(++index, 1_005, 0, 0, KvCommands.Put("plain", "overwritten"));
        kv.Apply(++index, 1_006, 0, 0, KvCommands.Delete("from-a-client"));
        for (var i = 0; i < 200; i++) kv.Apply(++index, 2_000 + i, 0, 0, KvCommands.Put($"k/{i:D4}", new string('v', i)));

        var bytes = kv.Snapshot();
        var parsed = KvSnapshot.Parser.ParseFrom(bytes);

        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(parsed), bytes);
        Assert.Equal(kv.Count, parsed.Records.Count);
        Assert.Equal("s-1", parsed.Records.Single(r => r.Key == "bound").SessionId);
        Assert.Equal("", parsed.Records.Single(r => r.Key == "empty-value").Value);
        Assert.Single(parsed.Sessions);
        Assert.True(parsed.History.Count > 200);
        Assert.True(parsed.HasCompactedThrough);
        Assert.Equal(index, parsed.LastAppliedIndex);
        // The content sizes itself exactly, and encodes the same bytes again.
        var content = kv.CaptureSnapshot();
        Assert.Equal(bytes.Length, content.CalculateSize());
        Assert.Equal(bytes, content.ToByteArray());
    }

    [Fact]
    public void An_empty_store_snapshots_to_the_same_bytes_as_the_generated_code()
    {
        var bytes = new KvStateMachine().Snapshot();
        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(KvSnapshot.Parser.ParseFrom(bytes)), bytes);
        Assert.True(KvSnapshot.Parser.ParseFrom(bytes).HasCompactedThrough);
    }

    [Fact]
    public void A_restored_replica_continues_exactly_like_the_original_including_session_retries()
    {
        var original = new KvStateMachine();
        original.Apply(1, 1_000, 0, 0, KvCommands.Put("a", "1"));
        var cached = original.Apply(2, 1_001, 9, 3, KvCommands.Put("b", "2"));
        original.Apply(3, 1_002, 0, 0, KvCommands.Delete("a"));

        var replica = new KvStateMachine();
        replica.Restore(original.Snapshot());

        Assert.Equal(original.Snapshot(), replica.Snapshot());
        Assert.Equal(3, replica.LastAppliedIndex);
        Assert.Equal(new KvValue("2", 2, 2), replica.Get("b"));
        Assert.Null(replica.Get("a"));
        // The same next entries give the same results on both.
        foreach (var kv in new[] { original, replica })
        {
            Assert.Equal(cached, kv.Apply(4, 1_003, 9, 3, KvCommands.Put("b", "retry")));
            Assert.Equal(KvResult.ResultOneofCase.VersionMismatch, kv.Apply(5, 1_004, 0, 0, KvCommands.Put("b", "x", 1)).ResultCase);
            Assert.Equal(6, kv.Apply(6, 1_005, 0, 0, KvCommands.Put("b", "y", 2)).Written.Version);
        }
        Assert.Equal(original.Snapshot(), replica.Snapshot());
    }

    [Fact]
    public void Restore_replaces_the_previous_state()
    {
        var source = new KvStateMachine();
        source.Apply(1, 1, 0, 0, KvCommands.Put("x", "1"));
        var target = new KvStateMachine();
        target.Apply(1, 1, 0, 0, KvCommands.Put("y", "1"));
        target.Apply(2, 1, 0, 0, KvCommands.Put("z", "1"));

        target.Restore(source.Snapshot());

        Assert.Equal(1, target.Count);
        Assert.Null(target.Get("y"));
        Assert.Equal(1, target.LastAppliedIndex);
    }

    [Fact]
    public void Garbage_or_inconsistent_snapshots_are_rejected_and_leave_the_state_unchanged()
    {
        var kv = new KvStateMachine();
        kv.Apply(1, 1, 0, 0, KvCommands.Put("keep", "1"));
        var before = kv.Snapshot();
        var badVersion = new KvSnapshot { LastAppliedIndex = 3, Records = { new KvRecord { Key = "k", Value = "v", Version = 9 } } };
        var duplicate = new KvSnapshot
        {
            LastAppliedIndex = 3,
            Records = { new KvRecord { Key = "k", Value = "v", Version = 1 }, new KvRecord { Key = "k", Value = "w", Version = 2 } },
        };

        Assert.Throws<InvalidDataException>(() => kv.Restore(new byte[] { 0xff, 0x01, 0x02 }));
        Assert.Contains("version 9", Assert.Throws<InvalidDataException>(() => kv.Restore(Google.Protobuf.MessageExtensions.ToByteArray(badVersion))).Message);
        Assert.Contains("twice", Assert.Throws<InvalidDataException>(() => kv.Restore(Google.Protobuf.MessageExtensions.ToByteArray(duplicate))).Message);
        Assert.Equal(before, kv.Snapshot());
    }
}
