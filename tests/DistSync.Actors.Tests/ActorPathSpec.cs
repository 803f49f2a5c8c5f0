namespace DistSync.Actors.Tests;

public sealed class ActorPathSpec
{
    [Theory]
    [InlineData("dsync://sys/user/a/b", "sys", null, null, "/user/a/b")]
    [InlineData("dsync://sys@127.0.0.1:4053/user/a", "sys", "127.0.0.1", 4053, "/user/a")]
    [InlineData("dsync://sys/", "sys", null, null, "/")]
    public void A_path_parses_and_prints_back_the_same(string text, string system, string? host, int? port, string local)
    {
        var path = ActorPath.Parse(text);
        Assert.Equal(system, path.Address.System);
        Assert.Equal(host, path.Address.Host);
        Assert.Equal(port, path.Address.Port);
        Assert.Equal(local, path.ToStringWithoutAddress());
        Assert.Equal(text, path.ToString());
        Assert.Equal(path, ActorPath.Parse(text));
        Assert.Equal(path.GetHashCode(), ActorPath.Parse(text).GetHashCode());
    }

    [Theory]
    [InlineData("user/a")]
    [InlineData("dsync://")]
    [InlineData("dsync://sys@host/user")]
    [InlineData("dsync://sys@host:99999/user")]
    public void A_malformed_path_is_a_clear_format_error(string text)
    {
        var ex = Assert.Throws<FormatException>(() => ActorPath.Parse(text));
        Assert.Contains(text, ex.Message);
        Assert.False(ActorPath.TryParse(text, out _));
    }

    [Fact]
    public void An_address_alone_parses_as_the_root_path()
    {
        Assert.Equal(ActorPath.Root(new Address("dsync", "sys")), ActorPath.Parse("dsync://sys"));
    }

    [Fact]
    public void Child_parent_and_address_change_compose()
    {
        var root = ActorPath.Root(new Address("dsync", "sys"));
        var child = root.Child("user").Child("worker");
        Assert.Equal("worker", child.Name);
        Assert.Equal(root.Child("user"), child.Parent);
        var remote = child.WithAddress(new Address("dsync", "sys", "10.0.0.1", 4053));
        Assert.Equal("dsync://sys@10.0.0.1:4053/user/worker", remote.ToString());
        Assert.NotEqual(child, remote);
    }
}
