using DistSync.Hocon;
using DistSync.Raft.Hosting;
using Microsoft.Extensions.Configuration;

namespace DistSync.Raft.Tests.Hosting;

public sealed class RaftHostSettingsSpec
{
    // Walks up from this source file (build output may live outside the repository).
    private static string RepoFile(string relative, [System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, relative))) dir = dir.Parent;
        return dir is null ? throw new FileNotFoundException(relative) : Path.Combine(dir.FullName, relative);
    }

    [Fact]
    public void The_shipped_raft_conf_binds_to_the_defaults()
    {
        var config = new ConfigurationBuilder().AddHoconFile(RepoFile("hocon/raft.conf")).Build();
        var settings = RaftHostSettings.FromConfiguration(config);
        Assert.Equal(new RaftHostSettings(), settings);
    }

    [Fact]
    public void Overrides_are_read_and_bad_values_name_their_key()
    {
        var config = new ConfigurationBuilder().AddHoconString("dsync.raft { tick-interval = 20ms, election-tick = 30, learner-promotion-lag = 5, join-retry-interval = 250ms }").Build();
        var s = RaftHostSettings.FromConfiguration(config);
        Assert.Equal(TimeSpan.FromMilliseconds(20), s.TickInterval);
        Assert.Equal(30, s.ElectionTick);
        Assert.Equal(5, s.LearnerPromotionLag);
        Assert.Equal(TimeSpan.FromMilliseconds(250), s.JoinRetryInterval);

        var bad = new ConfigurationBuilder().AddHoconString("dsync.raft { election-tick = 1, heartbeat-tick = 1 }").Build();
        Assert.Contains("election-tick", Assert.Throws<FormatException>(() => RaftHostSettings.FromConfiguration(bad)).Message);
        var zero = new ConfigurationBuilder().AddHoconString("dsync.raft { snapshot-every-entries = 0 }").Build();
        Assert.Contains("snapshot-every-entries", Assert.Throws<FormatException>(() => RaftHostSettings.FromConfiguration(zero)).Message);
    }
}
