namespace DistSync.Hocon.Tests;

public class SubstitutionSpec
{
    [Fact]
    public void A_substitution_takes_the_value_at_an_absolute_path()
    {
        Assert.Equal("8080", Hocon.Get("a.b.port = 8080\nc { port = ${a.b.port} }", "c.port"));
    }

    [Fact]
    public void A_substitution_may_refer_forward_to_a_later_field()
    {
        Assert.Equal("late", Hocon.Get("a = ${b}\nb = late", "a"));
    }

    [Fact]
    public void A_substitution_sees_the_final_value_after_later_overrides()
    {
        Assert.Equal("2", Hocon.Get("x = 1\na = ${x}\nx = 2", "a"));
    }

    [Fact]
    public void A_substitution_can_copy_a_whole_object_that_is_later_extended()
    {
        var config = Hocon.Parse("base { a = 1 }\ncopy = ${base}\nbase.b = 2");
        Assert.Equal("1", config.GetString("copy.a"));
        Assert.Equal("2", config.GetString("copy.b"));
    }

    [Fact]
    public void Chains_of_substitutions_resolve()
    {
        Assert.Equal("v", Hocon.Get("a = ${b}\nb = ${c}\nc = ${d}\nd = v", "a"));
    }

    [Fact]
    public void Substitutions_inside_arrays_resolve()
    {
        Assert.Equal(["h:1", "h:2"], Hocon.List(Hocon.Parse("h = h\ns = [${h}\":1\", ${h}\":2\"]"), "s"));
    }

    [Fact]
    public void Quoted_path_segments_in_substitutions_are_literal()
    {
        Assert.Equal("1", Hocon.Get("\"a.b\" = 1\nc = ${\"a.b\"}", "c"));
    }

    [Fact]
    public void A_field_may_refer_to_a_sibling_in_the_same_object()
    {
        Assert.Equal("n1-data", Hocon.Get("node { id = n1, dir = ${node.id}-data }", "node.dir"));
    }

    [Fact]
    public void A_missing_required_substitution_names_the_path_and_location()
    {
        var error = Hocon.ParseError("a = 1\nb {\n  c = ${does.not.exist}\n}");
        Assert.IsType<HoconResolveException>(error);
        Assert.Equal("test.conf", error.File);
        Assert.Equal(3, error.Line);
        Assert.Equal(7, error.Column);
        Assert.Contains("${does.not.exist}", error.Message);
        Assert.StartsWith("test.conf:3:7:", error.Message);
    }

    [Fact]
    public void A_missing_optional_substitution_leaves_the_field_unset()
    {
        var config = Hocon.Parse("a = ${?nope}\nb = 1");
        Assert.False(config.TryGetPath("a", out _));
        Assert.Equal(["b"], config.Keys);
    }

    [Fact]
    public void A_missing_optional_substitution_keeps_the_earlier_value()
    {
        Assert.Equal("10", Hocon.Get("port = 10\nport = ${?NO_SUCH_PORT}", "port"));
    }

    [Fact]
    public void An_optional_substitution_falls_back_to_the_environment()
    {
        var env = new Dictionary<string, string> { ["DSYNC_TEST_HOME"] = "/home/dsync" };
        var config = Hocon.Parse("home = ${?DSYNC_TEST_HOME}", env);
        Assert.Equal("/home/dsync", config.GetString("home"));
    }

    [Fact]
    public void An_environment_variable_overrides_an_earlier_default_through_an_optional_substitution()
    {
        var env = new Dictionary<string, string> { ["PORT"] = "9000" };
        Assert.Equal("9000", Hocon.Parse("port = 8080\nport = ${?PORT}", env).GetString("port"));
    }

    [Fact]
    public void A_required_substitution_also_falls_back_to_the_environment()
    {
        var env = new Dictionary<string, string> { ["USER_NAME"] = "ann" };
        Assert.Equal("ann", Hocon.Parse("who = ${USER_NAME}", env).GetString("who"));
    }

    [Fact]
    public void The_configuration_wins_over_the_environment()
    {
        var env = new Dictionary<string, string> { ["x"] = "from-env" };
        Assert.Equal("from-config", Hocon.Parse("x = from-config\ny = ${x}", env).GetString("y"));
    }

    [Fact]
    public void The_process_environment_is_used_by_default()
    {
        var name = "DSYNC_HOCON_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "present");
        try
        {
            Assert.Equal("present", HoconLoader.ParseString($"v = ${{?{name}}}").GetString("v"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void A_direct_cycle_is_reported_clearly()
    {
        var error = Hocon.ParseError("a = ${b}\nb = ${a}");
        Assert.IsType<HoconResolveException>(error);
        Assert.Contains("cycle", error.Message);
        Assert.Contains("${a}", error.Message);
        Assert.Contains("${b}", error.Message);
    }

    [Fact]
    public void A_longer_cycle_is_reported_clearly()
    {
        var error = Hocon.ParseError("a = ${b}\nb = x${c}\nc = [${a}]");
        Assert.Contains("cycle", error.Message);
    }

    [Fact]
    public void An_object_containing_a_reference_to_itself_is_a_cycle()
    {
        var error = Hocon.ParseError("a { b = ${a} }");
        Assert.Contains("cycle", error.Message);
    }

    [Fact]
    public void A_substitution_into_a_scalar_is_not_found()
    {
        var error = Hocon.ParseError("a = 1\nb = ${a.c}");
        Assert.Contains("${a.c}", error.Message);
    }

    [Fact]
    public void A_substitution_through_another_substitution_resolves()
    {
        var config = Hocon.Parse("base { inner { v = 1 } }\nalias = ${base}\nv = ${alias.inner.v}");
        Assert.Equal("1", config.GetString("v"));
    }

    [Fact]
    public void A_substitution_may_read_a_key_of_a_merged_object_without_cycling()
    {
        var config = Hocon.Parse("defaults { x = 1 }\nnode = ${defaults}\nnode { y = 2, z = ${node.y} }");
        Assert.Equal("1", config.GetString("node.x"));
        Assert.Equal("2", config.GetString("node.z"));
    }
}
