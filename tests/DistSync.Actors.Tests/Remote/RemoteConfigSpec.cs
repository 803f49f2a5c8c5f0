using System.Runtime.CompilerServices;
using DistSync.Actors.Remote;
using DistSync.Actors.Remote.FailureDetection;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Actors.Tests.Remote;

/// <summary>hocon/remote.conf and the settings records agree, and overrides are read.</summary>
public sealed class RemoteConfigSpec
{
    // Found from this source file's location, so it works whatever the artifacts folder is.
    private static string ShippedFile([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new FileInfo(sourceFile).Directory; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "hocon", "remote.conf");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("hocon/remote.conf not found above " + sourceFile);
    }

    [Fact]
    public void The_shipped_file_holds_the_same_defaults_as_the_settings_records()
    {
        var configuration = new ConfigurationBuilder().AddHoconFile(ShippedFile()).Build();

        Assert.Equal(new RemoteSettings(), RemoteSettings.FromConfiguration(configuration));
        Assert.Equal(new FailureDetectorSettings(), FailureDetectorSettings.FromConfiguration(configuration));
    }

    [Fact]
    public void Every_key_in_the_shipped_file_has_a_comment_line_above_it()
    {
        var lines = File.ReadAllLines(ShippedFile());
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Contains('=') && !line.StartsWith('#'))
            {
                Assert.True(i > 0 && lines[i - 1].Trim().StartsWith('#'), $"line {i + 1} '{line}' has no comment above it");
            }
        }
    }

    [Fact]
    public void Overrides_are_read_with_their_units()
    {
        var configuration = new ConfigurationBuilder().AddHoconString("""
            dsync.remote { host = "127.0.0.2", port = 0, max-frame-size = 2MiB, outbound-queue-size = 10,
                           backoff-min = 10ms, backoff-max = 1s, handshake-timeout = 2s }
            dsync.failure-detector { threshold = 10, heartbeat-interval = 200ms, acceptable-heartbeat-pause = 1s,
                                     min-std-deviation = 20ms, max-sample-size = 50, unreachable-death-watch-after = 3s }
            """).Build();

        var remote = RemoteSettings.FromConfiguration(configuration);
        var detector = FailureDetectorSettings.FromConfiguration(configuration);

        Assert.Equal(new RemoteSettings
        {
            Host = "127.0.0.2", Port = 0, MaxFrameSize = 2 * 1024 * 1024, OutboundQueueSize = 10,
            BackoffMin = TimeSpan.FromMilliseconds(10), BackoffMax = TimeSpan.FromSeconds(1), HandshakeTimeout = TimeSpan.FromSeconds(2),
        }, remote);
        Assert.Equal(new FailureDetectorSettings
        {
            Threshold = 10, HeartbeatInterval = TimeSpan.FromMilliseconds(200), AcceptableHeartbeatPause = TimeSpan.FromSeconds(1),
            MinStdDeviation = TimeSpan.FromMilliseconds(20), MaxSampleSize = 50, UnreachableDeathWatchAfter = TimeSpan.FromSeconds(3),
        }, detector);
    }

    [Fact]
    public void A_bad_value_is_refused_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddHoconString("dsync.remote.backoff-min = soon").Build();

        var error = Assert.ThrowsAny<Exception>(() => RemoteSettings.FromConfiguration(configuration));
        Assert.Contains("backoff-min", error.Message);
    }
}
