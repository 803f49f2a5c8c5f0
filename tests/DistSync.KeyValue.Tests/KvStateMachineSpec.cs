using DistSync.Raft;
using DistSync.KeyValue.Wire;

namespace DistSync.KeyValue.Tests;

public class KvStateMachineSpec
{
    private readonly KvStateMachine _kv = new(new KvLimits(MaxKeyBytes: 16, MaxValueBytes: 32));
    private long _index;

    private KvResult Apply(KvCommand command, ulong clientId = 0, ulong sequence = 0) =>
        _kv.Apply(++_index, 1_000 + _index, clientId, sequence, command);

    [Fact]
    public void A_put_is_read_back_with_the_entry_index_as_its_version()
    {
        _index = 6;
        var result = Apply(KvCommands.Put("a", "1"));

        Assert.Equal(7, result.Written.Version);
        Assert.Equal(new KvValue("1", 7, 7), _kv.Get("a"));
        Assert.Null(_kv.Get("b"));
    }

    [Fact]
    public void Overwriting_a_key_moves_its_version_to_the_new_index()
    {
        Apply(KvCommands.Put("a", "1"));
        Apply(KvCommands.Put("other", "x"));
        var second = Apply(KvCommands.Put("a", "2"));

        Assert.Equal(3, second.Written.Version);
        Assert.Equal(new KvValue("2", 3, 1), _kv.Get("a"));
    }

    [Fact]
    public void Compare_and_set_with_the_current_version_writes_and_with_another_is_a_mismatch()
    {
        var v1 = Apply(KvCommands.Put("a", "1")).Written.Version;

        var ok = Apply(KvCommands.Put("a", "2", expectedVersion: v1));
        var stale = Apply(KvCommands.Put("a", "3", expectedVersion: v1));

        Assert.Equal(KvResult.ResultOneofCase.Written, ok.ResultCase);
        Assert.Equal(KvResult.ResultOneofCase.VersionMismatch, stale.ResultCase);
        Assert.Equal(v1, stale.VersionMismatch.ExpectedVersion);
        Assert.Equal(ok.Written.Version, stale.VersionMismatch.CurrentVersion);
        Assert.Equal("2", _kv.Get("a")!.Value.Value);
    }

    [Fact]
    public void Expected_version_0_means_the_key_must_not_exist()
    {
        var create = Apply(KvCommands.Put("a", "1", expectedVersion: 0));
        var again = Apply(KvCommands.Put("a", "2", expectedVersion: 0));

        Assert.Equal(KvResult.ResultOneofCase.Written, create.ResultCase);
        Assert.Equal(KvResult.ResultOneofCase.VersionMismatch, again.ResultCase);
        Assert.Equal("1", _kv.Get("a")!.Value.Value);
    }

    [Fact]
    public void Compare_and_set_on_a_missing_key_with_a_positive_version_is_a_mismatch()
    {
        var result = Apply(KvCommands.Put("a", "1", expectedVersion: 5));

        Assert.Equal(0, result.VersionMismatch.CurrentVersion);
        Assert.Null(_kv.Get("a"));
    }

    [Fact]
    public void Delete_reports_whether_the_key_existed_and_a_later_put_gets_a_new_version()
    {
        Apply(KvCommands.Put("a", "1"));

        Assert.True(Apply(KvCommands.Delete("a")).Deleted.Existed);
        Assert.False(Apply(KvCommands.Delete("a")).Deleted.Existed);
        Assert.Null(_kv.Get("a"));
        Assert.Equal(4, Apply(KvCommands.Put("a", "2")).Written.Version);
    }

    [Theory]
    [InlineData("", "x", "key")]
    [InlineData("this-key-is-far-too-long", "x", "key")]
    [InlineData("tab\tkey", "x", "key")]
    [InlineData("k", "a value that is longer than thirty-two bytes", "value")]
    public void Input_over_the_limits_is_rejected_naming_the_field_and_changes_nothing(string key, string value, string field)
    {
        var result = Apply(KvCommands.Put(key, value));

        Assert.Equal(KvResult.ResultOneofCase.Invalid, result.ResultCase);
        Assert.Equal(field, result.Invalid.Field);
        Assert.Contains(field, result.Invalid.Message);
        Assert.Equal(0, _kv.Count);
    }

    [Fact]
    public void A_negative_expected_version_is_invalid()
    {
        var result = Apply(KvCommands.Put("a", "1", expectedVersion: -1));

        Assert.Equal("expectedVersion", result.Invalid.Field);
    }

    [Fact]
    public void A_retry_of_a_sessions_last_command_returns_the_cached_result_without_applying_again()
    {
        var first = Apply(KvCommands.Put("a", "1"), clientId: 42, sequence: 1);
        Apply(KvCommands.Put("a", "other writer"));

        var retry = Apply(KvCommands.Put("a", "1"), clientId: 42, sequence: 1);

        Assert.Equal(first, retry);
        Assert.Equal("other writer", _kv.Get("a")!.Value.Value);
        Assert.Equal(1, _kv.SessionCount);
    }

    [Fact]
    public void A_command_older_than_the_sessions_last_is_answered_stale_and_not_applied()
    {
        Apply(KvCommands.Put("a", "1"), clientId: 42, sequence: 5);

        var old = Apply(KvCommands.Put("a", "old"), clientId: 42, sequence: 4);

        Assert.Equal(5UL, old.StaleSequence.LastSequence);
        Assert.Equal("1", _kv.Get("a")!.Value.Value);
    }

    [Fact]
    public void Sessions_idle_longer_than_the_timeout_in_log_time_are_forgotten()
    {
        var kv = new KvStateMachine(sessionTimeoutMs: 1_000);
        kv.Apply(1, 10_000, 7, 1, KvCommands.Put("a", "1"));
        Assert.Equal(1, kv.SessionCount);

        kv.Apply(2, 11_001, 0, 0, KvCommands.Put("b", "1"));

        Assert.Equal(0, kv.SessionCount);
    }

    [Fact]
    public void Undecodable_entry_bytes_give_an_invalid_result_and_still_advance_the_index()
    {
        var bytes = _kv.Apply(new AppliedEntry(3, 2, 1_000, 0, 0, new byte[] { 0xff, 0xff, 0xff }));

        var result = KvCommands.DecodeResult(bytes.Span);
        Assert.Equal(KvResult.ResultOneofCase.Invalid, result.ResultCase);
        Assert.Equal(3, _kv.LastAppliedIndex);
    }

    [Fact]
    public void Encoded_entries_apply_like_typed_commands()
    {
        var bytes = _kv.Apply(new AppliedEntry(9, 2, 1_000, 0, 0, KvCommands.Encode(KvCommands.Put("a", "z"))));

        Assert.Equal(9, KvCommands.DecodeResult(bytes.Span).Written.Version);
        Assert.Equal(new KvValue("z", 9, 9), _kv.Get("a"));
    }

    [Fact]
    public void Applying_an_index_twice_is_a_host_bug_and_throws()
    {
        Apply(KvCommands.Put("a", "1"));

        Assert.Throws<ArgumentOutOfRangeException>(() => _kv.Apply(_index, 5_000, 0, 0, KvCommands.Put("a", "2")));
    }
}
