namespace DistSync.Locks.Tests;

public sealed class WaitForGraphSpec
{
    private readonly WaitForGraph _g = new();

    [Fact]
    public void An_empty_graph_has_no_cycle()
    {
        Assert.Null(_g.FindCycle());
        Assert.Empty(_g.Edges());
    }

    [Fact]
    public void Edges_contributed_by_two_resources_stay_until_both_withdraw_them()
    {
        _g.SetResourceEdges("r1", [("a", "b")]);
        Assert.False(_g.SetResourceEdges("r2", [("a", "b")]));
        Assert.Equal(1, _g.EdgeCount);

        _g.SetResourceEdges("r1", []);
        Assert.Equal([("a", "b")], _g.Edges());

        _g.SetResourceEdges("r2", []);
        Assert.Empty(_g.Edges());
    }

    [Fact]
    public void Replacing_a_resources_edges_reports_whether_a_new_edge_appeared()
    {
        Assert.True(_g.SetResourceEdges("r", [("a", "b")]));
        Assert.False(_g.SetResourceEdges("r", [("a", "b")]));
        Assert.True(_g.SetResourceEdges("r", [("a", "b"), ("b", "c")]));
        Assert.False(_g.SetResourceEdges("r", [("b", "c")]));
        Assert.Equal(["c"], _g.WaitsFor("b"));
        Assert.Empty(_g.WaitsFor("a"));
    }

    [Fact]
    public void A_cycle_is_returned_in_edge_order_from_the_first_node_the_ordinal_search_meets_on_it()
    {
        _g.SetResourceEdges("r1", [("c", "a"), ("a", "b")]);
        _g.SetResourceEdges("r2", [("b", "c"), ("x", "a")]);

        Assert.Equal(["a", "b", "c"], _g.FindCycle());
    }

    [Fact]
    public void The_same_edges_added_in_any_order_give_the_same_cycle()
    {
        var edges = new (string, string)[] { ("t9", "t2"), ("t2", "t5"), ("t5", "t9"), ("t1", "t3"), ("t3", "t1"), ("t4", "t5") };
        var expected = Build(edges).FindCycle();
        Assert.Equal(["t1", "t3"], expected);

        var random = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            var shuffled = edges.OrderBy(_ => random.Next()).ToArray();
            Assert.Equal(expected, Build(shuffled).FindCycle());
        }

        static WaitForGraph Build((string, string)[] edges)
        {
            var g = new WaitForGraph();
            for (var i = 0; i < edges.Length; i++)
            {
                g.SetResourceEdges("r" + i, [edges[i]]);
            }

            return g;
        }
    }

    [Fact]
    public void A_long_chain_closed_into_a_ring_is_found_without_recursion_limits()
    {
        const int n = 50_000;
        for (var i = 0; i < n - 1; i++)
        {
            _g.SetResourceEdges("r" + i, [($"t{i:D6}", $"t{i + 1:D6}")]);
        }

        Assert.Null(_g.FindCycle());
        _g.SetResourceEdges("close", [($"t{n - 1:D6}", "t000000")]);
        Assert.Equal(n, _g.FindCycle()!.Count);
    }

    [Fact]
    public void A_dag_with_shared_descendants_has_no_cycle()
    {
        _g.SetResourceEdges("r", [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e")]);

        Assert.Null(_g.FindCycle());
    }
}
