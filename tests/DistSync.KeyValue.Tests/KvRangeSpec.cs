using DistSync.KeyValue.Wire;

namespace DistSync.KeyValue.Tests;

public class KvRangeSpec
{
    private readonly KvStateMachine _kv = new();
    private long _index;

    private KvResult Apply(KvCommand command) => _kv.Apply(++_index, 1_000 + _index, 0, 0, command);

    private void PutAll(params string[] keys)
    {
        foreach (var k in keys) Apply(KvCommands.Put(k, "v-" + k));
    }

    private static string[] Keys(KvRangePage page) => page.Items.Select(i => i.Key).ToArray();

    [Fact]
    public void A_prefix_range_returns_only_the_keys_with_that_prefix_in_ordinal_order()
    {
        PutAll("b/2", "a/1", "b/10", "b/1", "c", "b", "b0");

        var page = _kv.Range(KvKeyRange.WithPrefix("b/"), after: null, limit: 100);

        Assert.Equal(new[] { "b/1", "b/10", "b/2" }, Keys(page));
        Assert.False(page.More);
        Assert.Equal("v-b/10", page.Items[1].Value.Value);
    }

    [Fact]
    public void An_empty_prefix_ranges_over_every_key()
    {
        PutAll("z", "a", "m");

        Assert.Equal(new[] { "a", "m", "z" }, Keys(_kv.Range(KvKeyRange.All, null, 100)));
    }

    [Fact]
    public void From_is_inclusive_and_to_is_exclusive_and_either_may_be_open()
    {
        PutAll("a", "b", "c", "d", "e");

        Assert.Equal(new[] { "b", "c" }, Keys(_kv.Range(KvKeyRange.Between("b", "d"), null, 100)));
        Assert.Equal(new[] { "a", "b" }, Keys(_kv.Range(KvKeyRange.Between(null, "c"), null, 100)));
        Assert.Equal(new[] { "d", "e" }, Keys(_kv.Range(KvKeyRange.Between("d", null), null, 100)));
        Assert.Empty(Keys(_kv.Range(KvKeyRange.Between("f", null), null, 100)));
    }

    [Fact]
    public void Paging_with_after_and_limit_visits_every_key_once_and_says_when_more_remain()
    {
        var all = Enumerable.Range(0, 250).Select(i => $"k/{i:D4}").ToArray();
        PutAll(all.Reverse().ToArray());
        PutAll("k0", "j");

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = _kv.Range(KvKeyRange.WithPrefix("k/"), after, 100);
            pages++;
            seen.AddRange(Keys(page));
            if (!page.More) break;
            after = page.Items[^1].Key;
        }

        Assert.Equal(all, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public void A_page_exactly_at_the_limit_does_not_claim_more_when_nothing_follows()
    {
        PutAll("p/1", "p/2", "q");

        var page = _kv.Range(KvKeyRange.WithPrefix("p/"), null, 2);

        Assert.Equal(2, page.Items.Count);
        Assert.False(page.More);
    }

    [Fact]
    public void Count_only_counts_the_range_after_the_cursor()
    {
        PutAll("p/1", "p/2", "p/3", "q/1");

        Assert.Equal(3, _kv.Range(KvKeyRange.WithPrefix("p/"), null, 1, countOnly: true).Count);
        Assert.Equal(1, _kv.Range(KvKeyRange.WithPrefix("p/"), "p/2", 1, countOnly: true).Count);
        Assert.Empty(_kv.Range(KvKeyRange.WithPrefix("p/"), null, 1, countOnly: true).Items);
    }

    [Fact]
    public void A_range_delete_removes_the_whole_range_in_one_entry_and_nothing_else()
    {
        PutAll("t/1", "t/2", "t/3", "t0", "u");

        var result = Apply(KvCommands.DeleteRange(KvKeyRange.WithPrefix("t/")));

        Assert.Equal(3, result.DeletedRange.Deleted);
        Assert.Equal(_index, result.DeletedRange.Version);
        Assert.Equal(new[] { "t0", "u" }, Keys(_kv.Range(KvKeyRange.All, null, 100)));
        Assert.Equal(2, _kv.Count);
    }

    [Fact]
    public void Bytes_follow_puts_overwrites_and_deletes()
    {
        Apply(KvCommands.Put("ab", "xyz"));
        Assert.Equal(5, _kv.Bytes);
        Apply(KvCommands.Put("ab", "é"));
        Assert.Equal(4, _kv.Bytes);
        Apply(KvCommands.Delete("ab"));
        Assert.Equal(0, _kv.Bytes);
    }

    [Fact]
    public void The_create_version_stays_until_the_key_is_deleted()
    {
        Apply(KvCommands.Put("a", "1"));
        Apply(KvCommands.Put("a", "2"));
        Assert.Equal((1L, 2L), (_kv.Get("a")!.Value.CreateVersion, _kv.Get("a")!.Value.Version));
        Apply(KvCommands.Delete("a"));
        Apply(KvCommands.Put("a", "3"));
        Assert.Equal(4, _kv.Get("a")!.Value.CreateVersion);
    }
}
