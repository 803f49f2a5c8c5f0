using DistSync.Actors.Remote.Faults;

namespace DistSync.Actors.Tests.Remote;

public sealed class FaultInjectorSpec
{
    private static readonly Address A = Address.Parse("dsync://a@127.0.0.1:1");
    private static readonly Address B = Address.Parse("dsync://b@127.0.0.1:2");
    private static readonly Address C = Address.Parse("dsync://c@127.0.0.1:3");

    [Fact]
    public void Without_rules_nothing_is_blocked_dropped_or_delayed()
    {
        var faults = new FaultInjector();

        Assert.False(faults.IsActive);
        Assert.False(faults.ShouldDrop(A, B));
        Assert.Equal(TimeSpan.Zero, faults.DelayFor(A, B));
    }

    [Fact]
    public void A_one_way_block_leaves_the_other_direction_open()
    {
        var faults = new FaultInjector();
        faults.Block(A, B);

        Assert.True(faults.IsBlocked(A, B));
        Assert.False(faults.IsBlocked(B, A));
        Assert.False(faults.IsBlocked(A, C));
    }

    [Fact]
    public void Isolating_a_node_blocks_it_both_ways_with_everyone_until_healed()
    {
        var faults = new FaultInjector();
        faults.Isolate(C);

        Assert.True(faults.IsBlocked(A, C));
        Assert.True(faults.IsBlocked(C, B));
        Assert.False(faults.IsBlocked(A, B));

        faults.Heal(C);

        Assert.False(faults.IsActive);
        Assert.False(faults.IsBlocked(A, C));
    }

    [Fact]
    public void Heal_of_a_pair_removes_both_directions_only()
    {
        var faults = new FaultInjector();
        faults.BlockBoth(A, B);
        faults.Block(A, C);

        faults.Heal(B, A);

        Assert.False(faults.IsBlocked(A, B));
        Assert.False(faults.IsBlocked(B, A));
        Assert.True(faults.IsBlocked(A, C));
    }

    [Fact]
    public void The_same_seed_drops_the_same_messages()
    {
        static List<bool> Run()
        {
            var faults = new FaultInjector(seed: 5);
            faults.Drop(A, B, 0.5);
            return Enumerable.Range(0, 200).Select(_ => faults.ShouldDrop(A, B)).ToList();
        }

        var first = Run();
        Assert.Equal(first, Run());
        Assert.InRange(first.Count(d => d), 60, 140);
    }

    [Fact]
    public void Drop_and_delay_on_a_pair_combine()
    {
        var faults = new FaultInjector();
        faults.Delay(A, B, TimeSpan.FromMilliseconds(50));
        faults.Drop(A, B, 1.0);

        Assert.True(faults.ShouldDrop(A, B));
        Assert.Equal(TimeSpan.FromMilliseconds(50), faults.DelayFor(A, B));
        Assert.Single(faults.Rules);
    }

    [Fact]
    public void A_drop_fraction_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjector().Drop(A, B, 1.5));
    }
}
