namespace DistSync.Hocon.Tests;

public class SelfReferenceSpec
{
    [Fact]
    public void A_self_reference_means_the_earlier_value()
    {
        Assert.Equal("a b", Hocon.Get("x = a\nx = ${x} b", "x"));
    }

    [Fact]
    public void A_self_referencing_array_extends_the_earlier_array()
    {
        Assert.Equal(["1", "2", "3"], Hocon.List(Hocon.Parse("x = [1]\nx = ${x} [2]\nx = ${x} [3]"), "x"));
    }

    [Fact]
    public void A_self_referencing_object_extends_the_earlier_object()
    {
        var config = Hocon.Parse("x { a = 1 }\nx = ${x} { b = 2 }");
        Assert.Equal("1", config.GetString("x.a"));
        Assert.Equal("2", config.GetString("x.b"));
    }

    [Fact]
    public void A_self_reference_inside_a_nested_object_uses_the_full_path()
    {
        Assert.Equal("/bin:/usr/bin", Hocon.Get("a { path = /bin }\na { path = ${a.path}\":/usr/bin\" }", "a.path"));
    }

    [Fact]
    public void A_self_reference_sees_the_earlier_value_even_if_other_fields_refer_to_the_final_one()
    {
        var config = Hocon.Parse("x = 1\ny = ${x}\nx = ${x}0");
        Assert.Equal("10", config.GetString("x"));
        Assert.Equal("10", config.GetString("y"));
    }

    [Fact]
    public void An_optional_self_reference_with_no_earlier_value_falls_back_to_the_environment()
    {
        var env = new Dictionary<string, string> { ["PATH_LIKE"] = "/opt" };
        Assert.Equal("/opt:/bin", Hocon.Parse("PATH_LIKE = ${?PATH_LIKE}\":/bin\"", env).GetString("PATH_LIKE"));
        Assert.Equal(":/bin", Hocon.Parse("PATH_LIKE = ${?PATH_LIKE}\":/bin\"").GetString("PATH_LIKE"));
    }

    [Fact]
    public void A_required_self_reference_with_no_earlier_value_is_an_error()
    {
        var error = Hocon.ParseError("x = ${x} more");
        Assert.Contains("${x}", error.Message);
        Assert.Contains("no earlier value", error.Message);
    }

    [Fact]
    public void Plus_equals_appends_to_an_existing_array()
    {
        Assert.Equal(["a", "b", "c"], Hocon.List(Hocon.Parse("x = [a]\nx += b\nx += c"), "x"));
    }

    [Fact]
    public void Plus_equals_on_a_missing_field_starts_a_new_array()
    {
        Assert.Equal(["a"], Hocon.List(Hocon.Parse("x += a"), "x"));
    }

    [Fact]
    public void Plus_equals_works_with_dotted_and_nested_keys()
    {
        var config = Hocon.Parse("a.list = [1]\na { list += 2 }\na.list += 3");
        Assert.Equal(["1", "2", "3"], Hocon.List(config, "a.list"));
    }

    [Fact]
    public void Plus_equals_appends_objects_and_arrays_as_single_elements()
    {
        var config = Hocon.Parse("x = []\nx += { a = 1 }\nx += [2]");
        var x = Assert.IsType<HoconArray>(config["x"]);
        Assert.Equal(2, x.Count);
        Assert.IsType<HoconObject>(x[0]);
        Assert.IsType<HoconArray>(x[1]);
    }

    [Fact]
    public void Plus_equals_onto_a_scalar_is_an_error()
    {
        var error = Hocon.ParseError("x = 1\nx += 2");
        Assert.Contains("cannot concatenate", error.Message);
    }

    [Fact]
    public void Plus_equals_with_a_substitution_value_resolves_it()
    {
        Assert.Equal(["a", "b"], Hocon.List(Hocon.Parse("x = [a]\ny = b\nx += ${y}"), "x"));
    }
}
