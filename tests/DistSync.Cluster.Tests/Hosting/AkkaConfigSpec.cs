using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using DistSync.Cluster.Downing;
using DistSync.Cluster.FailureDetection;
using DistSync.Cluster.Hosting;
using DistSync.Cluster.Logging;
using DistSync.Cluster.Serialization;
using DistSync.Cluster.Wire;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Tests.Hosting;

/// <summary>hocon/akka.conf follows the conventions, and AkkaConfig renders typed settings into what Akka reads.</summary>
public sealed class AkkaConfigSpec
{
    private static readonly string AkkaConf = Path.GetFullPath(Path.Combine(RepoDir(), "hocon", "akka.conf"));

    private static string RepoDir([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..");

    [Fact]
    public void The_embedded_copy_is_the_shipped_file()
    {
        Assert.Equal(AkkaConfig.Render(HoconLoader.ParseFile(AkkaConf)), AkkaConfig.Render(AkkaConfig.LoadStatic()));
    }

    [Fact]
    public void Every_key_of_akka_conf_has_a_comment_above_it()
    {
        var lines = File.ReadAllLines(AkkaConf);
        var missing = new List<string>();
        Check(new HoconLoader(new Dictionary<string, string>()).AddFile(AkkaConf).Resolve(), lines, missing);
        Assert.True(missing.Count == 0, "keys without a comment line above them: " + string.Join(", ", missing));

        static void Check(HoconObject obj, string[] lines, List<string> missing)
        {
            foreach (var key in obj.Keys)
            {
                if (obj[key] is HoconObject child)
                {
                    Check(child, lines, missing);
                    continue;
                }
                var line = obj[key].Origin.Line;
                var above = line >= 2 ? lines[line - 2].Trim() : "";
                if (!above.StartsWith('#')) missing.Add($"{key} (line {line})");
            }
        }
    }

    [Fact]
    public void Typed_settings_win_and_the_shared_defaults_fill_the_rest()
    {
        var config = AkkaConfig.Build(new AkkaSettings
        {
            NodeId = "n2",
            Hostname = "0.0.0.0",
            Port = 4054,
            PublicHostname = "node2",
            SeedNodes = ["node1:4053", "dsync@node2:4053", "akka.tcp://dsync@node3:4053"],
            Roles = ["extra"],
            FailureDetector = new FailureDetectorSettings { Threshold = 10.5, AcceptableHeartbeatPause = TimeSpan.FromSeconds(4) },
            FaultInjection = true,
            RetryGateClosedFor = TimeSpan.FromSeconds(1),
        });

        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("0.0.0.0", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4054, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("node2", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(["trttl", "gremlin"], config.GetStringList("akka.remote.dot-netty.tcp.applied-adapters"));
        Assert.Equal(
            ["akka.trttl.gremlin.tcp://dsync@node1:4053", "akka.trttl.gremlin.tcp://dsync@node2:4053", "akka.trttl.gremlin.tcp://dsync@node3:4053"],
            config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["dsync-node:n2", "extra"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal(RaftDowningProvider.ProviderClass, config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal(ObservablePhiAccrualFailureDetector.ImplementationClass, config.GetString("akka.cluster.failure-detector.implementation-class"));
        Assert.Equal(10.5, config.GetDouble("akka.cluster.failure-detector.threshold"));
        Assert.Equal(TimeSpan.FromSeconds(4), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(9, config.GetInt("akka.cluster.failure-detector.monitored-by-nr-of-members"));
        Assert.Equal(TimeSpan.FromSeconds(1), config.GetTimeSpan("akka.remote.retry-gate-closed-for"));
        Assert.Equal(8L * 1024 * 1024, config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.batching.enabled"));
        Assert.Equal("hyperion", config.GetString("akka.actor.serialization-bindings.\"System.Object\""));
        Assert.True(config.GetBoolean("akka.actor.serialization-settings.hyperion.disallow-unsafe-type"));
        Assert.Equal([AkkaLogging.SerilogLoggerClass], config.GetStringList("akka.loggers"));
        Assert.Equal("off", config.GetString("akka.cluster.auto-down-unreachable-after"));
    }

    [Fact]
    public void Defaults_bind_locally_without_adapters_and_no_downing_is_a_choice()
    {
        var config = AkkaConfig.Build(new AkkaSettings { Downing = DowningKind.None, Logger = AkkaLoggerKind.PerSystem });
        Assert.Empty(config.GetStringList("akka.remote.dot-netty.tcp.applied-adapters"));
        Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Empty(config.GetStringList("akka.cluster.roles"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.GetTimeSpan("akka.remote.retry-gate-closed-for"));
        Assert.Equal(AkkaConfig.NoDowningClass, config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal([AkkaLogging.LoggerFactoryLoggerClass], config.GetStringList("akka.loggers"));
    }

    [Fact]
    public void Settings_are_read_from_the_dsync_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["dsync:node:id"] = "n3",
            ["dsync:remote:host"] = "0.0.0.0",
            ["dsync:remote:port"] = "4055",
            ["dsync:remote:public-hostname"] = "node3",
            ["dsync:cluster:seeds:0"] = "node1:4053",
            ["dsync:cluster:seeds:1"] = "node2:4053",
            ["dsync:failure-detector:threshold"] = "12",
            ["dsync:testing:fault-injection"] = "on",
        }).Build();
        var settings = AkkaSettings.FromConfiguration(configuration);
        Assert.Equal("n3", settings.NodeId);
        Assert.Equal("0.0.0.0", settings.Hostname);
        Assert.Equal(4055, settings.Port);
        Assert.Equal("node3", settings.PublicHostname);
        Assert.Equal(["node1:4053", "node2:4053"], settings.SeedNodes);
        Assert.Equal(12.0, settings.FailureDetector.Threshold);
        Assert.Equal("akka.trttl.gremlin.tcp", settings.Protocol);
    }

    [Fact]
    public void Rendering_quotes_keys_and_values_so_nothing_is_reinterpreted()
    {
        var tree = HoconLoader.ParseString("""
            a { "dotted.key" = "x\"y", list = [1, "two words", "${not-a-substitution}"], n = 8MiB }
            """);
        var config = ConfigurationFactory.ParseString(AkkaConfig.Render(tree));
        Assert.Equal("x\"y", config.GetString("a.\"dotted.key\""));
        Assert.Equal(["1", "two words", "${not-a-substitution}"], config.GetStringList("a.list"));
        Assert.Equal(8L * 1024 * 1024, config.GetByteSize("a.n"));
    }

    [Fact]
    public async Task A_system_built_from_it_serializes_wire_messages_with_dsync_wire_and_the_rest_with_hyperion()
    {
        var registry = TestNodes.Registry();
        var settings = TestNodes.Settings("n1", faults: false);
        var system = ActorSystem.Create("dsync", TestNodes.Setup(settings));
        try
        {
            Assert.Equal("akka.tcp", AkkaCluster.Get(system).SelfAddress.Protocol);
            Assert.IsType<RaftDowningProvider>(AkkaCluster.Get(system).DowningProvider);
            Assert.Equal(DistSyncWireSerializer.SerializerId, system.Serialization.FindSerializerForType(typeof(NodeInfo)).Identifier);
            Assert.IsType<FilteredHyperionSerializer>(system.Serialization.FindSerializerForType(typeof(Stray)));
            var info = new NodeInfo { NodeId = "n1", HttpEndpoint = "h:1", RemoteAddress = "dsync@h:2" };
            var serializer = (SerializerWithStringManifest)system.Serialization.FindSerializerFor(info);
            Assert.Equal("1001", serializer.Manifest(info));
            Assert.Equal(info, serializer.FromBinary(serializer.ToBinary(info), "1001"));
            Assert.True(registry.TryGetTypeId(typeof(GetNodeInfo), out _));
        }
        finally
        {
            await system.Terminate().WaitAsync(TestNodes.Generous);
        }
    }

    private sealed record Stray(int Value);
}
