using Microsoft.Extensions.Configuration;

namespace DistSync.Hocon.Tests;

/// <summary>File &lt; environment &lt; command line, applied before substitutions resolve.</summary>
public sealed class OverrideOrderSpec : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly string file;

    public OverrideOrderSpec()
    {
        file = dir.Write("node.conf", """
            dsync.http.host = 127.0.0.1
            dsync.http.port = 8080
            dsync.remote.host = ${dsync.http.host}
            dsync.remote.advertised-host = ${dsync.remote.host}
            dsync.cluster.seeds = ["127.0.0.1:4054", "127.0.0.1:4055"]
            dsync.node.id = from-file
            """);
    }

    public void Dispose() => dir.Dispose();

    private static Dictionary<string, string> Env(params (string Name, string Value)[] vars) =>
        vars.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void File_values_apply_when_nothing_overrides_them()
    {
        var config = DistSyncConfiguration.Build(file, [], Env());
        Assert.Equal("8080", config["dsync:http:port"]);
        Assert.Equal("from-file", config["dsync:node:id"]);
    }

    [Fact]
    public void The_environment_overrides_the_file()
    {
        var config = DistSyncConfiguration.Build(file, [], Env(("DSYNC__dsync__http__port", "9090")));
        Assert.Equal("9090", config["dsync:http:port"]);
    }

    [Fact]
    public void The_command_line_overrides_the_environment_and_the_file()
    {
        var config = DistSyncConfiguration.Build(
            file,
            ["--set", "dsync.http.port=7070", "--dsync.node.id=from-args"],
            Env(("DSYNC__dsync__http__port", "9090"), ("DSYNC__dsync__node__id", "from-env")));
        Assert.Equal("7070", config["dsync:http:port"]);
        Assert.Equal("from-args", config["dsync:node:id"]);
    }

    [Fact]
    public void Later_command_line_settings_win_over_earlier_ones()
    {
        var config = DistSyncConfiguration.Build(file, ["--set", "dsync.node.id=a", "--set", "dsync.node.id=b"], Env());
        Assert.Equal("b", config["dsync:node:id"]);
    }

    [Fact]
    public void Substitutions_in_the_file_see_overridden_values()
    {
        var config = DistSyncConfiguration.Build(file, ["--set", "dsync.http.host=10.0.0.5"], Env());
        Assert.Equal("10.0.0.5", config["dsync:remote:host"]);
        Assert.Equal("10.0.0.5", config["dsync:remote:advertised-host"]);
    }

    [Fact]
    public void Shouting_snake_case_environment_names_map_to_kebab_case_keys()
    {
        var config = DistSyncConfiguration.Build(file, [], Env(("DSYNC__DSYNC__REMOTE__ADVERTISED_HOST", "node1")));
        Assert.Equal("node1", config["dsync:remote:advertised-host"]);
    }

    [Fact]
    public void Variables_without_the_prefix_are_ignored()
    {
        var config = DistSyncConfiguration.Build(file, [], Env(("dsync__node__id", "x"), ("DSYNC_NODE_ID", "y"), ("HOME", "/root")));
        Assert.Equal("from-file", config["dsync:node:id"]);
    }

    [Fact]
    public void An_override_starting_with_a_bracket_replaces_the_whole_list()
    {
        var config = DistSyncConfiguration.Build(file, ["--set", "dsync.cluster.seeds=[\"h:1\"]"], Env());
        Assert.Equal(["h:1"], config.GetStringList("dsync.cluster.seeds"));
    }

    [Fact]
    public void A_comma_separated_environment_value_overrides_a_list()
    {
        var config = DistSyncConfiguration.Build(file, [], Env(("DSYNC__dsync__cluster__seeds", "node2:4053,node3:4053")));
        Assert.Equal(["node2:4053", "node3:4053"], config.GetStringList("dsync.cluster.seeds"));
    }

    [Fact]
    public void Override_values_are_literal_strings_even_with_hocon_characters()
    {
        var config = DistSyncConfiguration.Build(file, ["--set", "dsync.node.id=a:b=c ${x} # not a comment"], Env());
        Assert.Equal("a:b=c ${x} # not a comment", config["dsync:node:id"]);
    }

    [Fact]
    public void Overrides_may_add_keys_the_file_does_not_have()
    {
        var config = DistSyncConfiguration.Build(file, ["--set", "dsync.brand-new.key=1"], Env());
        Assert.Equal("1", config["dsync:brand-new:key"]);
    }

    [Fact]
    public void The_config_file_can_come_from_the_command_line()
    {
        var config = DistSyncConfiguration.Build(null, ["--config", file, "--log-format", "json"], Env());
        Assert.Equal("from-file", config["dsync:node:id"]);
        var other = DistSyncConfiguration.Build(null, [$"--config={file}"], Env());
        Assert.Equal("from-file", other["dsync:node:id"]);
    }

    [Fact]
    public void Without_a_file_only_overrides_are_present()
    {
        var config = DistSyncConfiguration.Build(null, ["--set", "dsync.node.id=solo"], Env());
        Assert.Equal("solo", config["dsync:node:id"]);
        Assert.Null(config["dsync:http:port"]);
    }

    [Fact]
    public void Optional_substitutions_in_the_file_read_the_given_environment()
    {
        var withEnv = dir.Write("env.conf", "dsync.node.data-dir = data\ndsync.node.data-dir = ${?DSYNC_DATA_DIR}");
        Assert.Equal("/srv/d", DistSyncConfiguration.Build(withEnv, [], Env(("DSYNC_DATA_DIR", "/srv/d")))["dsync:node:data-dir"]);
        Assert.Equal("data", DistSyncConfiguration.Build(withEnv, [], Env())["dsync:node:data-dir"]);
    }

    [Theory]
    [InlineData("--set")]
    [InlineData("--set", "novalue")]
    [InlineData("--dsync.node.id")]
    [InlineData("--set", "=x")]
    public void Malformed_command_line_settings_are_rejected_clearly(params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => DistSyncConfiguration.Build(file, args, Env()));
        Assert.Contains("dsync.http.port=8081", error.Message);
    }

    [Fact]
    public void An_invalid_override_path_is_reported_with_its_source()
    {
        var error = Assert.Throws<HoconParseException>(() => DistSyncConfiguration.Build(file, ["--set", "dsync..x=1"], Env()));
        Assert.Contains("--set", error.Message);
    }

    [Fact]
    public void A_malformed_hocon_list_override_is_reported_with_its_source()
    {
        var error = Assert.Throws<HoconParseException>(() =>
            DistSyncConfiguration.Build(file, [], Env(("DSYNC__dsync__cluster__seeds", "[a, "))));
        Assert.Contains("environment variable DSYNC__dsync__cluster__seeds", error.Message);
    }
}
