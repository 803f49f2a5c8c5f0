using DistSync.Cache.Messages;

namespace DistSync.Cache.Tests;

/// <summary>
/// The seed's MESI transition table, one spec per row, on three real nodes (write-back). Each spec arranges the row's
/// starting states with real reads and writes, runs the transition, and checks every node's line state, the value
/// read, the backing store and the coherence messages sent.
/// </summary>
public sealed class MesiTransitionSpec : IClassFixture<ThreeNodeCacheFixture>
{
    private readonly CacheCluster c;

    public MesiTransitionSpec(ThreeNodeCacheFixture fixture)
    {
        c = fixture.Cluster;
    }

    private CacheClusterNode N1 => c[0];
    private CacheClusterNode N2 => c[1];
    private CacheClusterNode N3 => c[2];

    private static string NewKey(string row) => $"{row}-{Guid.NewGuid():N}";

    private async Task<string> SeedStoreAsync(string key, string value)
    {
        await c.Store.WriteAsync(key, value, CancellationToken.None);
        return value;
    }

    [Fact]
    public async Task Read_miss_with_no_copy_anywhere_reads_the_KV_and_is_granted_E()
    {
        var key = NewKey("miss-none");
        await SeedStoreAsync(key, "v0");
        var reads = c.Store.Reads;

        var read = await N1.Cache.ReadAsync(key);

        Assert.True(read.Found);
        Assert.Equal("v0", read.Value);
        Assert.False(read.Hit);
        Assert.Equal(LineState.Exclusive, read.State);
        Assert.Equal(LineState.Exclusive, N1.StateOf(key));
        Assert.Equal(LineState.Invalid, N2.StateOf(key));
        Assert.Equal(LineState.Invalid, N3.StateOf(key));
        Assert.Equal(reads + 1, c.Store.Reads);
    }

    [Fact]
    public async Task Read_miss_on_a_key_nobody_has_and_the_KV_lacks_is_not_found()
    {
        var key = NewKey("miss-absent");

        var read = await N2.Cache.ReadAsync(key);

        Assert.False(read.Found);
        Assert.Equal(LineState.Invalid, N2.StateOf(key));
    }

    [Fact]
    public async Task Read_miss_while_another_node_holds_M_has_the_owner_write_back_and_drop_to_S()
    {
        var key = NewKey("miss-m");
        await N1.Cache.WriteAsync(key, "dirty");
        Assert.Equal(LineState.Modified, N1.StateOf(key));
        Assert.Null(c.Store.Peek(key)); // write-back: the value lives only in n1's line

        var read = await N2.Cache.ReadAsync(key);

        Assert.Equal("dirty", read.Value);
        Assert.Equal(LineState.Shared, read.State);
        Assert.Equal(LineState.Shared, N1.StateOf(key));
        Assert.Equal(LineState.Shared, N2.StateOf(key));
        Assert.Equal("dirty", c.Store.Peek(key)?.Value);
    }

    [Fact]
    public async Task Read_miss_while_another_node_holds_E_drops_it_to_S_without_a_write_back()
    {
        var key = NewKey("miss-e");
        await SeedStoreAsync(key, "clean");
        await N1.Cache.ReadAsync(key);
        Assert.Equal(LineState.Exclusive, N1.StateOf(key));
        var writes = c.Store.Writes;

        var read = await N2.Cache.ReadAsync(key);

        Assert.Equal("clean", read.Value);
        Assert.Equal(LineState.Shared, read.State);
        Assert.Equal(LineState.Shared, N1.StateOf(key));
        Assert.Equal(writes, c.Store.Writes);
    }

    [Fact]
    public async Task Read_miss_while_other_nodes_hold_S_is_granted_S_from_the_home_without_touching_the_KV()
    {
        var key = NewKey("miss-s");
        await SeedStoreAsync(key, "shared");
        await N1.Cache.ReadAsync(key);
        await N2.Cache.ReadAsync(key);
        var reads = c.Store.Reads;

        var read = await N3.Cache.ReadAsync(key);

        Assert.Equal("shared", read.Value);
        Assert.Equal(LineState.Shared, read.State);
        Assert.All(c.Nodes, n => Assert.Equal(LineState.Shared, n.StateOf(key)));
        Assert.Equal(reads, c.Store.Reads);
    }

    [Theory]
    [InlineData(LineState.Shared)]
    [InlineData(LineState.Exclusive)]
    [InlineData(LineState.Modified)]
    public async Task Read_hit_in_S_E_or_M_is_local_sends_no_message_and_counts_the_access(LineState state)
    {
        var key = NewKey("hit-" + state);
        await SeedStoreAsync(key, "v");
        await N1.Cache.ReadAsync(key); // E
        if (state == LineState.Modified) await N1.Cache.WriteAsync(key, "v");
        if (state == LineState.Shared) await N2.Cache.ReadAsync(key);
        Assert.Equal(state, N1.StateOf(key));
        var messages = c.MessagesSent;
        var reads = c.Store.Reads;
        var hits = N1.Stats.Hits;
        var accesses = N1.Cache.AccessesOf(key);

        for (var i = 0; i < 200; i++)
        {
            var read = await N1.Cache.ReadAsync(key);
            Assert.True(read.Hit);
            Assert.Equal("v", read.Value);
        }

        Assert.Equal(messages, c.MessagesSent);
        Assert.Equal(reads, c.Store.Reads);
        Assert.Equal(hits + 200, N1.Stats.Hits);
        Assert.Equal(accesses + 200, N1.Cache.AccessesOf(key));
        Assert.Equal(state, N1.StateOf(key));
    }

    [Fact]
    public async Task Write_hit_in_M_stays_M_and_sends_no_message()
    {
        var key = NewKey("write-m");
        await N1.Cache.WriteAsync(key, "v1");
        var messages = c.MessagesSent;

        var written = await N1.Cache.WriteAsync(key, "v2");

        Assert.True(written.Local);
        Assert.Equal(LineState.Modified, written.State);
        Assert.Equal(messages, c.MessagesSent);
        Assert.Equal("v2", (await N1.Cache.ReadAsync(key)).Value);
    }

    [Fact]
    public async Task Write_hit_in_E_turns_M_and_tells_the_home_without_an_invalidation_round()
    {
        var key = NewKey("write-e");
        await SeedStoreAsync(key, "v0");
        await N1.Cache.ReadAsync(key);
        Assert.Equal(LineState.Exclusive, N1.StateOf(key));
        var messages = c.MessagesSent;
        var invalidations = c.Nodes.Sum(n => n.Stats.InvalidationsSent);

        var written = await N1.Cache.WriteAsync(key, "v1");

        Assert.True(written.Local);
        Assert.Equal(LineState.Modified, N1.StateOf(key));
        Assert.Equal(messages + 1, c.MessagesSent); // the one-way E -> M notice, nothing else
        Assert.Equal(invalidations, c.Nodes.Sum(n => n.Stats.InvalidationsSent));
        Assert.Equal("v1", (await N2.Cache.ReadAsync(key)).Value); // the home still finds the owner's new value
    }

    [Fact]
    public async Task Write_in_S_invalidates_every_other_copy_before_M_is_granted()
    {
        var key = NewKey("write-s");
        await SeedStoreAsync(key, "v0");
        foreach (var n in c.Nodes) await n.Cache.ReadAsync(key);
        Assert.All(c.Nodes, n => Assert.Equal(LineState.Shared, n.StateOf(key)));
        var received2 = N2.Stats.InvalidationsReceived;
        var received3 = N3.Stats.InvalidationsReceived;

        var written = await N1.Cache.WriteAsync(key, "v1");

        // at the moment the write is answered, no other copy is readable
        Assert.Equal(LineState.Invalid, N2.StateOf(key));
        Assert.Equal(LineState.Invalid, N3.StateOf(key));
        Assert.False(written.Local);
        Assert.Equal(LineState.Modified, N1.StateOf(key));
        Assert.Equal(received2 + 1, N2.Stats.InvalidationsReceived);
        Assert.Equal(received3 + 1, N3.Stats.InvalidationsReceived);
        Assert.Equal("v1", (await N3.Cache.ReadAsync(key)).Value);
    }

    [Fact]
    public async Task Write_in_I_while_another_node_holds_M_invalidates_it_without_a_write_back()
    {
        var key = NewKey("write-i");
        await N1.Cache.WriteAsync(key, "v1");
        var writes = c.Store.Writes;

        await N2.Cache.WriteAsync(key, "v2");

        Assert.Equal(LineState.Invalid, N1.StateOf(key));
        Assert.Equal(LineState.Modified, N2.StateOf(key));
        Assert.Equal(writes, c.Store.Writes); // v1 is overwritten whole: writing it back would be wasted
        Assert.Equal("v2", (await N3.Cache.ReadAsync(key)).Value);
        Assert.Equal("v2", c.Store.Peek(key)?.Value); // n3's miss had n2 write back
    }

    [Fact]
    public async Task A_completed_write_is_seen_by_every_later_read_on_every_node()
    {
        var key = NewKey("later-reads");
        var random = new Random(13);
        for (var i = 0; i < 40; i++)
        {
            var writer = c[random.Next(3)];
            var value = $"v{i}";
            await writer.Cache.WriteAsync(key, value);
            foreach (var n in c.Nodes) Assert.Equal(value, (await n.Cache.ReadAsync(key)).Value);
        }
    }

    [Fact]
    public async Task Concurrent_writers_on_every_node_are_serialized_and_leave_one_M_copy()
    {
        var key = NewKey("concurrent");
        var written = new HashSet<string>();
        var tasks = new List<Task>();
        foreach (var n in c.Nodes)
        {
            for (var w = 0; w < 4; w++)
            {
                var values = Enumerable.Range(0, 10).Select(i => $"{n.NodeId}-{w}-{i}").ToList();
                lock (written) written.UnionWith(values);
                tasks.Add(Task.Run(async () =>
                {
                    foreach (var v in values) await n.Cache.WriteAsync(key, v);
                }));
            }
        }
        await Task.WhenAll(tasks);

        Assert.Equal(1, c.Nodes.Count(n => n.StateOf(key) == LineState.Modified));
        Assert.All(c.Nodes, n => Assert.NotEqual(LineState.Exclusive, n.StateOf(key)));
        var seen = new List<string>();
        foreach (var n in c.Nodes) seen.Add((await n.Cache.ReadAsync(key)).Value!);
        Assert.Single(seen.Distinct());
        Assert.Contains(seen[0], written);
    }

    [Fact]
    public async Task Invalidate_removes_every_copy_and_the_KV_value()
    {
        var key = NewKey("invalidate");
        await SeedStoreAsync(key, "v0");
        foreach (var n in c.Nodes) await n.Cache.ReadAsync(key);

        var done = await N2.Cache.InvalidateAsync(key);

        Assert.Equal("", done.Error);
        Assert.Equal(3, done.Copies);
        Assert.True(done.Deleted);
        Assert.All(c.Nodes, n => Assert.Equal(LineState.Invalid, n.StateOf(key)));
        Assert.Null(c.Store.Peek(key));
        Assert.False((await N3.Cache.ReadAsync(key)).Found);
    }

    [Fact]
    public async Task Invalidate_drops_a_dirty_M_copy_without_writing_it_back()
    {
        var key = NewKey("invalidate-m");
        await N1.Cache.WriteAsync(key, "dirty");

        var done = await N3.Cache.InvalidateAsync(key);

        Assert.Equal(1, done.Copies);
        Assert.False(done.Deleted);
        Assert.Null(c.Store.Peek(key));
        Assert.False((await N1.Cache.ReadAsync(key)).Found);
    }

    [Fact]
    public async Task A_fenced_write_older_than_the_highest_token_the_home_has_seen_is_refused_as_stale()
    {
        var key = NewKey("fence");
        await N1.Cache.WriteAsync(key, "by-10", "lock-a", 10);

        var refused = await Assert.ThrowsAsync<CacheRequestFailedException>(() => N2.Cache.WriteAsync(key, "by-9", "lock-a", 9));

        Assert.Equal(CacheFailure.StaleFence, refused.Failure.Code);
        Assert.Equal(10, refused.Failure.HighestToken);
        Assert.Equal("by-10", (await N3.Cache.ReadAsync(key)).Value);
        await N2.Cache.WriteAsync(key, "by-11", "lock-a", 11);
        Assert.Equal("by-11", (await N3.Cache.ReadAsync(key)).Value);
        // another resource's tokens are its own
        await N3.Cache.WriteAsync(key, "by-b-1", "lock-b", 1);
    }
}
