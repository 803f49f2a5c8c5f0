namespace DistSync.Hocon.Tests;

public class DuplicateKeySpec
{
    [Fact]
    public void Objects_defined_twice_merge()
    {
        var config = Hocon.Parse("a { x = 1, y = 2 }\na { y = 3, z = 4 }");
        Assert.Equal("1", config.GetString("a.x"));
        Assert.Equal("3", config.GetString("a.y"));
        Assert.Equal("4", config.GetString("a.z"));
    }

    [Fact]
    public void Dotted_keys_merge_into_an_existing_object()
    {
        var config = Hocon.Parse("a { x = 1 }\na.y = 2");
        Assert.Equal("1", config.GetString("a.x"));
        Assert.Equal("2", config.GetString("a.y"));
    }

    [Fact]
    public void For_non_objects_the_last_value_wins()
    {
        Assert.Equal("2", Hocon.Get("a = 1\na = 2", "a"));
        Assert.Equal(["3"], Hocon.List(Hocon.Parse("a = [1, 2]\na = [3]"), "a"));
    }

    [Fact]
    public void A_later_scalar_replaces_an_object_and_a_later_object_replaces_a_scalar()
    {
        var first = Hocon.Parse("a { x = 1 }\na = 5");
        Assert.Equal("5", first.GetString("a"));
        var second = Hocon.Parse("a = 5\na { x = 1 }");
        Assert.Equal("1", second.GetString("a.x"));
        Assert.Equal(["x"], Assert.IsType<HoconObject>(second["a"]).Keys);
    }

    [Fact]
    public void Merging_is_recursive()
    {
        var config = Hocon.Parse("a.b { x = 1 }\na { b { y = 2 }, c = 3 }");
        Assert.Equal("1", config.GetString("a.b.x"));
        Assert.Equal("2", config.GetString("a.b.y"));
        Assert.Equal("3", config.GetString("a.c"));
    }

    [Fact]
    public void Fields_keep_the_order_they_were_first_defined_in()
    {
        var config = Hocon.Parse("b = 1\na = 2\nb = 3");
        Assert.Equal(["b", "a"], config.Keys);
    }

    [Fact]
    public void An_object_merges_with_a_later_substitution_that_resolves_to_an_object()
    {
        var config = Hocon.Parse("a { x = 1 }\na = ${b}\nb { y = 2 }");
        Assert.Equal("1", config.GetString("a.x"));
        Assert.Equal("2", config.GetString("a.y"));
    }

    [Fact]
    public void A_scalar_from_a_later_substitution_replaces_an_object()
    {
        Assert.Equal("5", Hocon.Get("a { x = 1 }\na = ${b}\nb = 5", "a"));
    }
}
