using DistSync.Queues.Catalog;
using DistSync.Queues.Catalog.Wire;

namespace DistSync.Queues.Tests;

/// <summary>The queue catalog the meta group replicates: creation, group ids, the two steps of a move, snapshots.</summary>
public sealed class QueueCatalogSpec
{
    private static CatalogCommand Create(string name, int partitions, params string[][] replicas)
    {
        var create = new CreateQueue { Name = name, Partitions = partitions };
        foreach (var r in replicas) create.Replicas.Add(new ReplicaSet { NodeIds = { r } });
        return new CatalogCommand { Create = create };
    }

    private static CatalogCommand Move(int group, string[] target, string[] from) =>
        new() { Move = new MovePartition { GroupId = group, Target = new ReplicaSet { NodeIds = { target } }, From = new ReplicaSet { NodeIds = { from } } } };

    private static CatalogCommand Moved(int group, params string[] replicas) =>
        new() { Moved = new PartitionMoved { GroupId = group, Replicas = new ReplicaSet { NodeIds = { replicas } } } };

    [Fact]
    public void Creating_a_queue_assigns_fresh_group_ids_and_creating_it_again_changes_nothing()
    {
        var catalog = new QueueCatalog();
        var a = catalog.Apply(5, Create("a", 2, ["n2", "n1"], ["n3", "n1"]));
        Assert.True(a.Created);
        Assert.Equal([1, 2], a.Queue.Partitions.Select(p => p.GroupId));
        Assert.Equal(["n1", "n2"], a.Queue.Partitions[0].Replicas); // sorted
        var again = catalog.Apply(6, Create("a", 4, ["x"], ["x"], ["x"], ["x"]));
        Assert.False(again.Created);
        Assert.Equal(2, again.Queue.Partitions.Count);
        var b = catalog.Apply(7, Create("b", 1, ["n1"]));
        Assert.Equal(3, b.Queue.Partitions[0].GroupId);
        Assert.Equal("b", catalog.QueueOfGroup(3)!.Name);
    }

    [Theory]
    [InlineData("", "queue: required")]
    [InlineData("has space", "queue: only")]
    [InlineData("orders.dlq", "dead-letter")]
    public void Bad_names_and_shapes_are_invalid(string name, string error)
    {
        var result = new QueueCatalog().Apply(1, Create(name, 1, ["n1"]));
        Assert.Equal("invalid", result.Code);
        Assert.Contains(error, result.Error);
        Assert.Equal("invalid", new QueueCatalog().Apply(1, Create("q", 2, ["n1"])).Code); // one replica set per partition
        Assert.Equal("invalid", new QueueCatalog().Apply(1, Create("q", 0)).Code);
    }

    [Fact]
    public void A_move_records_its_target_then_the_result_bumps_the_generation_and_stale_or_duplicate_steps_change_nothing()
    {
        var catalog = new QueueCatalog();
        catalog.Apply(1, Create("q", 1, ["n1", "n2", "n3"]));
        // planned on a stale view: refused
        Assert.Equal("stale", catalog.Apply(2, Move(1, ["n1", "n2", "n4"], ["n1", "n2"])).Code);
        Assert.Equal("ok", catalog.Apply(3, Move(1, ["n4", "n1", "n2"], ["n1", "n2", "n3"])).Code);
        Assert.Equal(["n1", "n2", "n4"], catalog.FindGroup(1)!.Target);
        // a second move while one is under way: refused
        Assert.Equal("stale", catalog.Apply(4, Move(1, ["n1", "n2", "n5"], ["n1", "n2", "n3"])).Code);
        // a "moved" that is not the target: refused
        Assert.Equal("stale", catalog.Apply(5, Moved(1, "n1", "n2")).Code);
        Assert.Equal("ok", catalog.Apply(6, Moved(1, "n2", "n4", "n1")).Code);
        var p = catalog.FindGroup(1)!;
        Assert.Equal(["n1", "n2", "n4"], p.Replicas);
        Assert.Empty(p.Target);
        Assert.Equal(1, p.Generation);
        long version = catalog.Version;
        Assert.Equal("ok", catalog.Apply(7, Moved(1, "n1", "n2", "n4")).Code); // a second driver's late duplicate
        Assert.Equal(version, catalog.Version);
        Assert.Equal("invalid", catalog.Apply(8, Moved(99, "n1")).Code);
    }

    [Fact]
    public void A_snapshot_restores_queues_moves_and_the_next_group_id()
    {
        var catalog = new QueueCatalog();
        catalog.Apply(1, Create("a", 2, ["n1"], ["n2"]));
        catalog.Apply(2, Move(2, ["n3"], ["n2"]));
        var restored = QueueCatalog.FromSnapshot(catalog.Snapshot());
        Assert.Equal(catalog.Snapshot(), restored.Snapshot());
        Assert.Equal(["n3"], restored.FindGroup(2)!.Target);
        Assert.Equal(3, restored.Apply(3, Create("b", 1, ["n1"])).Queue.Partitions[0].GroupId);
        Assert.Throws<InvalidDataException>(() => QueueCatalog.FromSnapshot(new byte[] { 0xFF, 0xFF, 0xFF }));
    }
}
