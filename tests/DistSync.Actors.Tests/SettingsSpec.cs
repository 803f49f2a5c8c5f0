using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Actors.Tests;

public sealed class SettingsSpec
{
    /// <summary>Finds hocon/actors.conf above this source file (the build output may live outside the repository).</summary>
    private static string ActorsConfPath([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(sourceFile) ?? AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "hocon", "actors.conf")))
        {
            dir = dir.Parent;
        }

        return dir is null
            ? throw new FileNotFoundException("hocon/actors.conf not found above " + sourceFile)
            : Path.Combine(dir.FullName, "hocon", "actors.conf");
    }

    [Fact]
    public void The_shipped_actors_conf_gives_the_documented_defaults()
    {
        var configuration = new ConfigurationBuilder().AddHoconFile(ActorsConfPath()).Build();
        var settings = ActorSystemSettings.FromConfiguration(configuration);
        Assert.Equal(new ActorSystemSettings(), settings with { });
        Assert.Equal(100, settings.Throughput);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.DefaultAskTimeout);
        Assert.Equal(10, settings.SupervisionMaxNrOfRetries);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.SupervisionWithinTimeRange);
    }

    [Fact]
    public void Every_key_in_actors_conf_has_a_comment_above_it()
    {
        var lines = File.ReadAllLines(ActorsConfPath()).Select(l => l.Trim()).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains('=') && !lines[i].StartsWith('#'))
            {
                Assert.True(i > 0 && lines[i - 1].StartsWith('#'), $"line {i + 1} '{lines[i]}' has no comment above it");
            }
        }
    }

    [Fact]
    public void Configured_values_override_the_defaults()
    {
        var configuration = new ConfigurationBuilder().AddHoconString("""
            dsync.actors { throughput = 7, ask-timeout = 250ms, supervision.max-nr-of-retries = 3 }
            dsync.log.format = json
            """).Build();
        var settings = ActorSystemSettings.FromConfiguration(configuration);
        Assert.Equal(7, settings.Throughput);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.DefaultAskTimeout);
        Assert.Equal(3, settings.SupervisionMaxNrOfRetries);
        Assert.Equal(LogFormat.Json, settings.LogFormat);
        Assert.Equal(3, ((OneForOneStrategy)settings.DefaultSupervisorStrategy).MaxNrOfRetries);
    }

    [Fact]
    public void A_malformed_value_is_a_clear_error_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddHoconString("dsync.actors.ask-timeout = soon").Build();
        var ex = Assert.ThrowsAny<FormatException>(() => ActorSystemSettings.FromConfiguration(configuration));
        Assert.Contains("ask-timeout", ex.Message);
    }

    [Fact]
    public async Task The_default_ask_timeout_comes_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddHoconString("dsync.actors.ask-timeout = 150ms").Build();
        var system = ActorSystem.Create("settings", configuration, TestLogging.Quiet("settings"));
        try
        {
            var silent = system.ActorOf(Props.Create(() => new SilentActor()), "silent");
            var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<string>("anyone?"));
            Assert.Contains("150 ms", ex.Message);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class SilentActor : ReceiveActor
    {
        public SilentActor()
        {
            ReceiveAny(_ => { });
        }
    }
}
