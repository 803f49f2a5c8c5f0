using System.Net;
using System.Net.Sockets;
using DistSync.Actors;
using DistSync.Actors.Remote;
using DistSync.Actors.Remote.Serialization;
using DistSync.Cluster;
using DistSync.Cluster.Membership;
using DistSync.Cluster.Wire;
using DistSync.KeyValue;
using DistSync.Node.Http;
using DistSync.Node.Locks;
using DistSync.Node.Meta;
using DistSync.Node.Metrics;
using DistSync.Raft.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DistSync.Node.Hosting;

/// <summary>
/// One DistSync node: its actor system with remoting, the member directory, the Raft host with the meta group
/// (group 0, <see cref="MetaStateMachine"/>), and the HTTP API on Kestrel. The executable runs one; in-process
/// multi-node specs run several side by side.
/// </summary>
/// <remarks>
/// Start order: remoting, then the Raft host (it recovers the meta group's log from the journal before it takes
/// part), then HTTP, so no request is served from an unrecovered replica. Stop order: HTTP (drains requests), the
/// Raft host, the actor system.
/// </remarks>
public sealed class DistSyncNode : IAsyncDisposable
{
    /// <summary>Every node's actor system has this name, so addresses differ only by host:port (as in an Akka cluster).</summary>
    public const string SystemName = "dsync";

    private readonly WebApplication _web;
    private readonly PrometheusTextExporter _metrics;
    private readonly RaftHost _raft;
    private readonly LockMetrics _lockMetrics;
    private int _stopped;

    private DistSyncNode(NodeSettings settings, ActorSystem system, RemoteActorRefProvider remoting, MemberDirectory members,
        RaftHost raft, WebApplication web, PrometheusTextExporter metrics, Uri httpAddress, LockWaiters lockWaiters, LockMetrics lockMetrics)
    {
        LockWaiters = lockWaiters;
        _lockMetrics = lockMetrics;
        Settings = settings;
        System = system;
        Remoting = remoting;
        Members = members;
        _raft = raft;
        _web = web;
        _metrics = metrics;
        HttpAddress = httpAddress;
    }

    public NodeSettings Settings { get; }
    public ActorSystem System { get; }
    public RemoteActorRefProvider Remoting { get; }
    public MemberDirectory Members { get; }

    /// <summary>The meta Raft group (group 0): membership and the replicated key-value store.</summary>
    public IRaftGroup Meta => _raft.Meta;

    /// <summary>Where the HTTP API really listens (the bound port when configured as 0).</summary>
    public Uri HttpAddress { get; }

    public Address RemoteAddress => Remoting.LocalAddress;

    /// <summary>This node's waiting lock acquires; every applied lock entry reports its outcomes here (and sessions ended).</summary>
    public LockWaiters LockWaiters { get; }

    /// <summary>The remoting address a seed entry <c>host:port</c> stands for.</summary>
    public static Address SeedAddress(string seed) =>
        NodeSettings.TryParseHostPort(seed, out var host, out var port)
            ? new Address(Address.DefaultProtocol, SystemName, host, port)
            : throw new FormatException($"seed '{seed}' is not host:port");

    public static async Task<DistSyncNode> StartAsync(IConfiguration config, Serilog.ILogger logger, NodeStartOptions? options = null)
    {
        options ??= new NodeStartOptions();
        var settings = NodeSettings.From(config);
        try
        {
            Directory.CreateDirectory(settings.DataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeStartupException($"cannot create the data directory '{settings.DataDir}': {e.Message}", e);
        }

        var system = ActorSystem.Create(SystemName, config, logger);
        RemoteActorRefProvider remoting;
        try
        {
            var registry = MessageTypeRegistry.CreateWithControlMessages();
            ClusterMessageIds.Register(registry);
            // Raft registers its ids itself too, but only after remoting is up: a peer's Raft message arriving
            // in between would be an unknown type id and close the connection.
            DistSync.Raft.Hosting.RaftMessageIds.Register(registry);
            remoting = await RemoteActorRefProvider.StartAsync(system, config, new RemotingOptions
            {
                Registry = registry,
                Faults = options.Faults,
                MonitoredPeers = settings.Seeds.Select(SeedAddress).ToList(),
            }).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await system.Terminate().ConfigureAwait(false);
            throw new NodeStartupException($"cannot bind the remoting port {settings.RemoteHost}:{settings.RemotePort}: {e.Message}", e);
        }

        PrometheusTextExporter? metrics = null;
        WebApplication? web = null;
        RaftHost? raft = null;
        var lockWaiters = new LockWaiters();
        var lockMetrics = new LockMetrics(settings.NodeId);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new SerilogLoggerProvider(logger));
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
                kestrel.AddServerHeader = false;
                var ip = settings.HttpHost is "localhost" ? IPAddress.Loopback : IPAddress.Parse(settings.HttpHost);
                kestrel.Listen(ip, settings.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            });
            builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = settings.ShutdownTimeout);
            web = builder.Build();
            metrics = new PrometheusTextExporter();

            var advertisedHttp = $"{(settings.HttpHost == "0.0.0.0" ? "127.0.0.1" : settings.HttpHost)}:{settings.HttpPort}";
            var self = new NodeInfo { NodeId = settings.NodeId, HttpEndpoint = advertisedHttp, RemoteAddress = remoting.LocalAddress.ToString() };
            var members = new MemberDirectory(self, remoting);
            system.SystemActorOf(Props.Create(() => new NodeInfoActor(self)), NodeInfoActor.Name);
            system.SystemActorOf(Props.Create(() => new MemberDirectoryActor(members, system, TimeSpan.FromSeconds(1))), "member-directory");

            raft = await StartRaftAsync(settings, config, system, remoting, settings.HttpPort == 0 ? "" : advertisedHttp, lockWaiters, lockMetrics).ConfigureAwait(false);

            web.UseMiddleware<RequestIdMiddleware>();
            SystemRoutes.Map(web, settings, members, raft.Meta, metrics);
            KvRoutes.Map(web, settings, raft.Meta, settings.KvLimits);
            ClusterRoutes.Map(web, settings, raft.Meta, members);
            SessionRoutes.Map(web, settings, raft.Meta);
            LockRoutes.Map(web, settings, raft.Meta, lockWaiters, lockMetrics, logger);
            if (settings.FaultInjection) FaultRoutes.Map(web, settings, remoting);

            await web.StartAsync().ConfigureAwait(false);
            var bound = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var httpAddress = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
            if (settings.HttpPort == 0) self.HttpEndpoint = httpAddress.Authority;
            logger.Information("node {NodeId} up: http {Http}, remoting {Remote}, seeds {Seeds}",
                settings.NodeId, httpAddress, remoting.LocalAddress, settings.Seeds);
            return new DistSyncNode(settings, system, remoting, members, raft, web, metrics, httpAddress, lockWaiters, lockMetrics);
        }
        catch (Exception e)
        {
            metrics?.Dispose();
            lockMetrics.Dispose();
            if (web is not null) await web.DisposeAsync().ConfigureAwait(false);
            if (raft is not null) await raft.DisposeAsync().ConfigureAwait(false);
            await system.Terminate().ConfigureAwait(false);
            if (e is IOException { InnerException: SocketException } or SocketException || e.InnerException is SocketException)
                throw new NodeStartupException($"cannot bind the HTTP port {settings.HttpHost}:{settings.HttpPort}: {(e.InnerException ?? e).Message}", e);
            if (e is FormatException) throw new NodeStartupException($"bad HTTP host '{settings.HttpHost}': {e.Message}", e);
            throw;
        }
    }

    /// <summary>
    /// Starts the Raft host with the meta group. Founding: the configured initial members; none and no seeds: a
    /// single-node cluster of this node; none but seeds: join through the seeds. A node with a non-empty journal
    /// recovers and ignores both (RAFT-HOST-API.md).
    /// </summary>
    private static Task<RaftHost> StartRaftAsync(NodeSettings settings, IConfiguration config, ActorSystem system,
        RemoteActorRefProvider remoting, string advertisedHttp, LockWaiters lockWaiters, LockMetrics lockMetrics)
    {
        var initial = settings.InitialMembers;
        if (initial.Count == 0 && settings.Seeds.Count == 0) initial = [new RaftMember(settings.NodeId, remoting.LocalAddress)];
        var founding = initial.Any(m => m.NodeId == settings.NodeId);
        var kvLimits = settings.KvLimits;
        var sessionTimeoutMs = (long)settings.KvSessionTimeout.TotalMilliseconds;
        return RaftHost.StartAsync(system, remoting, config, new RaftHostOptions
        {
            NodeId = settings.NodeId,
            HttpEndpoint = advertisedHttp,
            InitialMembers = initial,
            Join = !founding && settings.Seeds.Count > 0,
            Seeds = settings.Seeds.Select(SeedAddress).ToList(),
            StateMachineFactory = () => new MetaStateMachine(kvLimits, sessionTimeoutMs, lockWaiters: lockWaiters, lockMetrics: lockMetrics),
        });
    }

    /// <summary>Blocks until the host is asked to stop (SIGTERM, Ctrl-C).</summary>
    public Task WaitForShutdownAsync() => _web.WaitForShutdownAsync();

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await _web.StopAsync().ConfigureAwait(false);
        await _raft.DisposeAsync().ConfigureAwait(false);
        await System.Terminate().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        _lockMetrics.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
