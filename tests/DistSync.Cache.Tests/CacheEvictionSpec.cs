namespace DistSync.Cache.Tests;

/// <summary>LRU eviction by line count and by bytes; an evicted M line writes back before it goes; an evicted line's
/// home forgets the copy, so a later write does not wait on it.</summary>
public sealed class CacheEvictionSpec : IAsyncLifetime
{
    private CacheCluster c = null!;

    public async Task InitializeAsync() =>
        // capacity 100: over it a node evicts the excess plus 1% (one line), oldest access first
        c = await CacheCluster.StartAsync(2, new CacheSettings { Capacity = 100, MaxBytes = 4096 });

    public async Task DisposeAsync() => await c.DisposeAsync();

    [Fact]
    public async Task Past_the_line_capacity_the_least_recently_used_lines_are_evicted_and_a_dirty_one_writes_back_first()
    {
        var n1 = c[0];
        // the oldest line is dirty (write-back): nobody else has its value
        await n1.Cache.WriteAsync("lru-0", "dirty-0");
        Assert.Null(c.Store.Peek("lru-0"));
        for (var i = 1; i < 100; i++) await n1.Cache.WriteAsync($"lru-{i}", $"v{i}");
        // touch lru-1 so that it is younger than lru-2
        await n1.Cache.ReadAsync("lru-1");

        await n1.Cache.WriteAsync("lru-100", "v100");

        await CacheCluster.AwaitUntil(() => n1.StateOf("lru-0") == LineState.Invalid && n1.StateOf("lru-2") == LineState.Invalid, "lru-0 and lru-2 evicted");
        await CacheCluster.AwaitUntil(() => n1.Stats.Evictions >= 2, "two evictions counted");
        Assert.Equal("dirty-0", c.Store.Peek("lru-0")?.Value); // written back before it went
        Assert.Equal(LineState.Modified, n1.StateOf("lru-1"));
        Assert.Equal(LineState.Modified, n1.StateOf("lru-100"));
        // the home forgot n1's copy: n2 gets E from the KV, not S
        var read = await c[1].Cache.ReadAsync("lru-0");
        Assert.Equal("dirty-0", read.Value);
        Assert.Equal(LineState.Exclusive, read.State);
    }

    [Fact]
    public async Task Past_the_byte_limit_the_least_recently_used_lines_are_evicted()
    {
        var n2 = c[1];
        var big = new string('x', 1000);
        for (var i = 0; i < 4; i++) await n2.Cache.WriteAsync($"bytes-{i}", big);
        Assert.True(n2.Stats.Bytes <= 4096);

        await n2.Cache.WriteAsync("bytes-4", big);

        await CacheCluster.AwaitUntil(() => n2.StateOf("bytes-0") == LineState.Invalid, "the oldest line evicted");
        await CacheCluster.AwaitUntil(() => n2.Stats.Bytes <= 4096, "back under max-bytes");
        Assert.Equal(big, c.Store.Peek("bytes-0")?.Value);
        Assert.Equal(LineState.Modified, n2.StateOf("bytes-4"));
        Assert.Equal(big, (await n2.Cache.ReadAsync("bytes-0")).Value);
    }
}
