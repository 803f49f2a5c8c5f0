namespace DistSync.Cache.Tests;

/// <summary>Under <c>write-policy = write-through</c> every write, a local M hit included, is committed to the backing
/// store before it is answered, so no completed write can be lost with its writer.</summary>
public sealed class CacheWriteThroughSpec : IAsyncLifetime
{
    private CacheCluster c = null!;

    public async Task InitializeAsync() => c = await CacheCluster.StartAsync(2, new CacheSettings { WritePolicy = WritePolicy.WriteThrough });

    public async Task DisposeAsync() => await c.DisposeAsync();

    [Fact]
    public async Task Every_write_is_in_the_store_when_it_is_answered_even_in_M()
    {
        var n1 = c[0];
        var first = await n1.Cache.WriteAsync("wt", "v1");
        Assert.Equal("v1", c.Store.Peek("wt")?.Value);
        Assert.Equal(first.Version, c.Store.Peek("wt")?.Version);
        Assert.Equal(LineState.Modified, n1.StateOf("wt"));

        var second = await n1.Cache.WriteAsync("wt", "v2");

        Assert.False(second.Local);
        Assert.Equal("v2", c.Store.Peek("wt")?.Value);
        Assert.True(second.Version > first.Version);
        var writes = c.Store.Writes;
        // a read miss on the other node downgrades n1 without a write-back: the line is clean
        Assert.Equal("v2", (await c[1].Cache.ReadAsync("wt")).Value);
        Assert.Equal(writes, c.Store.Writes);
    }

    [Fact]
    public async Task A_write_the_store_refuses_is_refused_and_leaves_the_old_value_readable()
    {
        var n1 = c[0];
        await n1.Cache.WriteAsync("wt-down", "v1");
        c.Store.Unavailable = true;
        try
        {
            var refused = await Assert.ThrowsAsync<Messages.CacheRequestFailedException>(() => c[1].Cache.WriteAsync("wt-down", "v2"));
            Assert.Equal(Messages.CacheFailure.Unavailable, refused.Failure.Code);
        }
        finally
        {
            c.Store.Unavailable = false;
        }
        Assert.Equal("v1", c.Store.Peek("wt-down")?.Value);
        Assert.Equal("v1", (await c[1].Cache.ReadAsync("wt-down")).Value);
    }
}
