using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using DistSync.Cache;
using DistSync.Cluster;
using DistSync.Cluster.Faults;
using DistSync.Cluster.Membership;
using DistSync.Cluster.Wire;
using DistSync.Node.Broadcast;
using DistSync.Node.Cache;
using DistSync.Node.Http;
using DistSync.Node.Kv;
using DistSync.Node.Locks;
using DistSync.Node.Meta;
using DistSync.Node.Metrics;
using DistSync.Node.Queues;
using DistSync.Node.Security;
using DistSync.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using DistSync.Persistence.Encryption;
using DistSync.Persistence.Plugins;
using DistSync.Queues;
using DistSync.Cluster.Metrics;
using DistSync.Cluster.Sharding;
using DistSync.Raft.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Node.Hosting;

/// <summary>
/// One DistSync node: its Akka actor system (Akka.Hosting; remoting and Akka.Cluster for transport, failure detection
/// and the member view), the member directory, the Raft host with the meta group (group 0, <see cref="MetaStateMachine"/>),
/// and the HTTP API on Kestrel. The executable runs one; in-process multi-node specs run several side by side.
/// </summary>
/// <remarks>
/// Start order: the actor system, the Akka.Cluster join, the Raft host (it recovers the meta group's log from the
/// journal before it takes part), then HTTP, so no request is served from an unrecovered replica. Stop order: HTTP
/// (drains requests), the Raft host, the actor system (coordinated shutdown: a graceful cluster leave).
/// Raft is the authority on membership: a member the meta group removed is downed in Akka.Cluster
/// (<see cref="MembershipDowningActor"/>); nothing is downed for being unreachable.
/// </remarks>
public sealed class DistSyncNode : IAsyncDisposable
{
    /// <summary>Every node's actor system has this name, so addresses differ only by host:port (as in an Akka cluster).</summary>
    public const string SystemName = "dsync";

    private readonly WebApplication _web;
    private readonly IHost _akkaHost;
    private readonly NodeMetrics _metrics;
    private readonly RaftHost _raft;
    private readonly LockMetrics _lockMetrics;
    private readonly QueueMetrics _queueMetrics;
    private readonly CacheMetrics _cacheMetrics;
    private readonly BroadcastMetrics _broadcastMetrics;
    private int _stopped;

    private DistSyncNode(NodeSettings settings, IHost akkaHost, ActorSystem system, MemberDirectory members, RaftHost raft, RaftLinkFaults links,
        WebApplication web, NodeMetrics metrics, Uri httpAddress, LockWaiters lockWaiters, LockMetrics lockMetrics, QueueMetrics queueMetrics, QueueService queues,
        CacheFront cache, CacheMetrics cacheMetrics, MetaCacheStore cacheStore, BroadcastHub broadcastHub, BroadcastMetrics broadcastMetrics,
        KvWatchHub kvWatches)
    {
        Broadcast = broadcastHub;
        KvWatches = kvWatches;
        _broadcastMetrics = broadcastMetrics;
        Cache = cache;
        CacheStore = cacheStore;
        _cacheMetrics = cacheMetrics;
        _queueMetrics = queueMetrics;
        Queues = queues;
        LockWaiters = lockWaiters;
        _lockMetrics = lockMetrics;
        Settings = settings;
        _akkaHost = akkaHost;
        System = system;
        Members = members;
        _raft = raft;
        LinkFaults = links;
        _web = web;
        _metrics = metrics;
        HttpAddress = httpAddress;
    }

    public NodeSettings Settings { get; }
    public ActorSystem System { get; }
    public MemberDirectory Members { get; }

    /// <summary>The meta Raft group (group 0): membership and the replicated key-value store.</summary>
    public IRaftGroup Meta => _raft.Meta;

    /// <summary>The queue service of this node (its catalog view, partition calls).</summary>
    public QueueService Queues { get; }

    /// <summary>This node's live broadcast subscriptions.</summary>
    public BroadcastHub Broadcast { get; }

    /// <summary>This node's live key-value watches.</summary>
    public KvWatchHub KvWatches { get; }

    /// <summary>This node's MESI cache (its lines, and the homes this node hosts).</summary>
    public CacheFront Cache { get; }

    /// <summary>The cache's backing store on this node (the meta group's KV), with its call counts.</summary>
    public MetaCacheStore CacheStore { get; }

    /// <summary>The Raft groups hosted on this node (meta and queue partitions).</summary>
    public RaftHost Raft => _raft;

    /// <summary>Raft's delay/seeded-drop seam of this node.</summary>
    public RaftLinkFaults LinkFaults { get; }

    /// <summary>Where the HTTP API really listens (the bound port when configured as 0).</summary>
    public Uri HttpAddress { get; }

    /// <summary>This node's Akka address (with the local protocol).</summary>
    public Address RemoteAddress => AkkaCluster.Get(System).SelfAddress;

    /// <summary>This node's waiting lock acquires; every applied lock entry reports its outcomes here (and sessions ended).</summary>
    public LockWaiters LockWaiters { get; }

    /// <summary>True once the actor system has stopped (a stop, or Raft's removal downed this node).</summary>
    public bool IsTerminated => System.WhenTerminated.IsCompleted;

    /// <summary>The remoting address a seed entry <c>host:port</c> stands for, with <paramref name="protocol"/>.</summary>
    public static Address SeedAddress(string seed, string protocol = "akka.tcp") =>
        NodeSettings.TryParseHostPort(seed, out var host, out var port)
            ? new Address(protocol, SystemName, host, port)
            : throw new FormatException($"seed '{seed}' is not host:port");

    // The keyring is loaded here as well as by the plugins, so a missing or malformed one fails the start with its reason.
    private static void LogDataAtRest(SecuritySettings security, Serilog.ILogger logger)
    {
        try
        {
            using var keyring = DataKeyring.Load(security.DataKeyFile);
            logger.Information("encryption at rest on: journal events and snapshots are sealed (AES-256-GCM) under data key {KeyId} of {KeyFile}, " +
                               "which holds keys {KeyIds}; plaintext records {Plaintext}", keyring.CurrentKeyId, Path.GetFullPath(security.DataKeyFile),
                string.Join(",", keyring.KeyIds), security.AcceptPlaintext ? "still accepted (accept-plaintext = on)" : "refused");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new NodeStartupException($"cannot load the data keyring: {e.Message}", e);
        }
    }

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
        var security = SecuritySettings.From(config, settings.DataDir);
        SymmetricSecurityKey? tokenKey = null;
        if (security.Enabled)
        {
            try
            {
                tokenKey = ClusterSigningKey.Load(security.TokenKeyFile);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new NodeStartupException($"cannot load the token signing key: {e.Message}", e);
            }
        }

        // loaded before anything starts, so a bad certificate fails the start with its reason
        var tls = security.UsesTls ? NodeTls.Load(security, logger) : null;
        if (security.EncryptionAtRest) LogDataAtRest(security, logger);

        IHost akkaHost;
        ActorSystem system;
        try
        {
            (akkaHost, system) = await NodeAkka.StartAsync(settings, config, logger, options, security,
                security.RemotingTls ? tls!.RemotingSetup() : null).ConfigureAwait(false);
        }
        catch (Exception e) when (IsBindFailure(e))
        {
            throw new NodeStartupException($"cannot bind the remoting port {settings.RemoteHost}:{settings.RemotePort}: {(e.InnerException ?? e).Message}", e);
        }

        var metrics = new NodeMetrics();
        WebApplication? web = null;
        RaftHost? raft = null;
        var lockWaiters = new LockWaiters();
        var lockMetrics = new LockMetrics(metrics.Factory);
        var queueSettings = QueueSettings.From(config);
        var cacheSettings = CacheSettingsReader.From(config);
        var broadcastSettings = BroadcastSettings.From(config);
        var broadcastHub = new BroadcastHub(broadcastSettings.SubscriberBuffer);
        var broadcastMetrics = new BroadcastMetrics(metrics.Factory, metrics.Registry, broadcastHub);
        var kvWatchHub = new KvWatchHub(settings.KvWatchBuffer);
        var kvMetrics = new KvMetrics(metrics.Factory, metrics.Registry, kvWatchHub);
        CacheMetrics? cacheMetrics = null;
        var queueMetrics = new QueueMetrics(metrics.Factory);
        var catalog = new QueueCatalogView();
        var links = options.LinkFaults ?? new RaftLinkFaults();
        try
        {
            var cluster = AkkaCluster.Get(system);
            // A node bound to 0.0.0.0 in a container is reached by its public hostname (the service or pod DNS name).
            var advertisedHttp = $"{(settings.HttpHost == "0.0.0.0" ? settings.PublicHostname ?? "127.0.0.1" : settings.HttpHost)}:{settings.HttpPort}";
            var self = new NodeInfo { NodeId = settings.NodeId, HttpEndpoint = advertisedHttp, RemoteAddress = NodeAddress.Format(cluster.SelfAddress) };
            var members = MemberDirectory.Start(system, self);
            DeadLetterCounter.Start(system);
            if (security.RemotingTls) RemotingHandshakeWatcher.Start(system, tls!);
            cluster.JoinSeedNodes(NodeAkka.JoinTargets(settings, cluster.SelfAddress));
            // every node runs a key-home region (the per-key home actors the cache will fill), placed by the hash ring
            await KeyHomes.StartAsync(system).ConfigureAwait(false);

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new SerilogLoggerProvider(logger));
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
                kestrel.AddServerHeader = false;
                var ip = settings.HttpHost is "localhost" ? IPAddress.Loopback : IPAddress.Parse(settings.HttpHost);
                kestrel.Listen(ip, settings.HttpPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    if (security.Https) tls!.UseHttps(listen);
                });
            });
            builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = settings.ShutdownTimeout);
            builder.Services.AddDistSyncOpenApi();
            if (tokenKey is not null || tls is not null)
            {
                // created by the container, so the web host's disposal flushes and closes it
                builder.Services.AddSingleton(_ => new AuditLog(security.AuditFile, security.AuditMaxFileBytes, security.AuditRetainedFiles, logger));
            }
            if (tokenKey is not null)
            {
                builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
                {
                    jwt.MapInboundClaims = false; // keep "sub" and "role" as issued
                    jwt.TokenValidationParameters = ClientTokens.ValidationParameters(tokenKey, security.ClockSkew);
                });
                ClientRateLimits.Add(builder.Services, security,
                    metrics.Factory.CreateCounter("dsync_security_rate_limited_total", "HTTP requests refused with 429 by the per-client rate limits, by route", ["route"]));
            }
            web = builder.Build();
            if (tls is not null)
            {
                var audit = web.Services.GetRequiredService<AuditLog>();
                var nodeId = settings.NodeId;
                tls.Audit = (remote, action, reason) => audit.Record(new AuditRecord(DateTimeOffset.UtcNow, nodeId, "anonymous", "none", remote, action,
                    "", "", null, "denied", 0, reason, ""));
            }
            raft = await StartRaftAsync(settings, config, system, settings.HttpPort == 0 ? "" : advertisedHttp, lockWaiters, lockMetrics, links, catalog,
                broadcastSettings, broadcastHub, kvWatchHub, kvMetrics, metrics.Raft).ConfigureAwait(false);
            metrics.Observe(members, JournalPluginMetrics.For(system), raft);
            if (tls is not null) metrics.ObserveTls(tls);
            metrics.ObserveDataAtRest(DataAtRestMetrics.For(system));
            var applied = new AsyncPulse();
            var queues = new QueueService(raft, catalog, new PartitionCaller(system, raft, settings.NodeId), queueSettings, queueMetrics, applied);
            var hostedRaft = raft;
            system.ActorOf(Props.Create(() => new QueueGateway(hostedRaft)), QueueGateway.Name);
            system.ActorOf(Props.Create(() => new QueueReplicaManager(hostedRaft, catalog, queueSettings, settings.NodeId,
                () => new ObservedPartitionStateMachine(new QueuePartitionStateMachine(queueSettings.Partition), applied), queueMetrics)), QueueReplicaManager.Name);
            var cacheStore = new MetaCacheStore(raft.Meta);
            var cache = await CacheNode.StartAsync(system, cacheStore, cacheSettings).ConfigureAwait(false);
            cacheMetrics = new CacheMetrics(metrics.Factory, metrics.Registry, cache);
            lockWaiters.SessionEnded += ended => queues.OnSessionEnded(ended.SessionId, logger);
            lockWaiters.SessionEnded += ended => broadcastHub.OnSessionEnded(ended.SessionId);
            ((ExtendedActorSystem)system).SystemActorOf(
                Props.Create(() => new MembershipDowningActor(raft.Meta, members, settings.NodeId, TimeSpan.FromSeconds(1))), MembershipDowningActor.Name);

            web.UseMiddleware<RequestIdMiddleware>();
            web.UseMiddleware<HttpMetricsMiddleware>(metrics.Http);
            if (tokenKey is not null)
            {
                var denied = metrics.Factory.CreateCounter("dsync_security_denied_total", "HTTP requests refused by access control (401/403), by reason", ["reason"]);
                web.UseMiddleware<AccessMiddleware>(security, settings.NodeId, denied, logger);
                web.UseRateLimiter(); // after access control, so a client is its token's subject
                logger.Information("security on: client tokens checked with key {KeyId}, audit log {AuditFile}", tokenKey.KeyId, Path.GetFullPath(security.AuditFile));
            }
            if (tls is not null)
            {
                logger.Information("TLS: https {Https}, remoting mutual TLS {Remoting}, certificate {Subject} (expires {NotAfter:u}), cluster CA {Ca}",
                    security.Https ? "on" : "off", security.RemotingTls ? "on" : "off", tls.Certificate.Subject, tls.Certificate.NotAfter.ToUniversalTime(),
                    tls.Trust.CaThumbprint);
            }
            else
            {
                logger.Warning("SECURITY IS OFF: anyone who reaches {Host}:{Port} can take locks, read queues and change the cluster " +
                               "(set dsync.security.enabled = on with a token-key-file; see README, Security)", settings.HttpHost, settings.HttpPort);
            }
            SystemRoutes.Map(web, settings, members, raft.Meta, metrics);
            KvRoutes.Map(web, settings, raft.Meta, settings.KvLimits);
            KvTxnRoutes.Map(web, settings, raft.Meta, settings.KvLimits);
            KvWatchRoutes.Map(web, settings, raft.Meta, settings.KvLimits, kvWatchHub, kvMetrics);
            ClusterRoutes.Map(web, settings, raft.Meta, members);
            SessionRoutes.Map(web, settings, raft.Meta);
            LockRoutes.Map(web, settings, raft.Meta, lockWaiters, lockMetrics, logger);
            QueueRoutes.Map(web, settings, raft.Meta, queues, queueMetrics);
            CacheRoutes.Map(web, settings, raft.Meta, cache, settings.KvLimits);
            BroadcastRoutes.Map(web, settings, raft.Meta, broadcastHub, broadcastSettings, broadcastMetrics);
            if (settings.FaultInjection) FaultRoutes.Map(web, settings, new NodeFaults(system), links, members);
            web.MapOpenApi();

            await web.StartAsync().ConfigureAwait(false);
            var bound = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var httpAddress = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
            if (settings.HttpPort == 0) self.HttpEndpoint = httpAddress.Authority;
            logger.Information("node {NodeId} up: http {Http}, remoting {Remote}, seeds {Seeds}",
                settings.NodeId, httpAddress, cluster.SelfAddress, settings.Seeds);
            return new DistSyncNode(settings, akkaHost, system, members, raft, links, web, metrics, httpAddress, lockWaiters, lockMetrics, queueMetrics, queues,
                cache, cacheMetrics, cacheStore, broadcastHub, broadcastMetrics, kvWatchHub);
        }
        catch (Exception e)
        {
            lockMetrics.Dispose();
            queueMetrics.Dispose();
            cacheMetrics?.Dispose();
            broadcastMetrics.Dispose();
            if (web is not null) await web.DisposeAsync().ConfigureAwait(false);
            if (raft is not null) await raft.DisposeAsync().ConfigureAwait(false);
            await StopAkkaAsync(akkaHost).ConfigureAwait(false);
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
    private static Task<RaftHost> StartRaftAsync(NodeSettings settings, IConfiguration config, ActorSystem system, string advertisedHttp,
        LockWaiters lockWaiters, LockMetrics lockMetrics, RaftLinkFaults links, QueueCatalogView catalog,
        BroadcastSettings broadcast, BroadcastHub broadcastHub, KvWatchHub kvWatchHub, KvMetrics kvMetrics, IRaftMetrics raftMetrics)
    {
        var selfAddress = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        var initial = settings.InitialMembers;
        if (initial.Count == 0 && settings.Seeds.Count == 0) initial = [new RaftMember(settings.NodeId, selfAddress)];
        var founding = initial.Any(m => m.NodeId == settings.NodeId);
        var kvLimits = settings.KvLimits;
        var sessionTimeoutMs = (long)settings.KvSessionTimeout.TotalMilliseconds;
        return RaftHost.StartAsync(system, config, new RaftHostOptions
        {
            NodeId = settings.NodeId,
            HttpEndpoint = advertisedHttp,
            InitialMembers = initial,
            Join = !founding && settings.Seeds.Count > 0,
            Seeds = [.. settings.Seeds.Select(s => SeedAddress(s, selfAddress.Protocol))],
            LinkFaults = links,
            Metrics = raftMetrics,
            StateMachineFactory = () => new MetaStateMachine(kvLimits, sessionTimeoutMs, lockWaiters: lockWaiters, lockMetrics: lockMetrics,
                broadcastOptions: broadcast.Options)
            {
                CatalogChanged = catalog.Update,
                BroadcastPublished = broadcastHub.OnPublished,
                BroadcastRestored = broadcastHub.OnRestored,
                KvChanged = kvWatchHub.OnChanged,
                KvRestored = kvWatchHub.OnRestored,
                KvSizeChanged = kvMetrics.StoreSize,
            },
        });
    }

    /// <summary>Blocks until the host is asked to stop (SIGTERM, Ctrl-C), or until the actor system stopped by itself
    /// (Raft removed this node and Akka.Cluster downed it).</summary>
    public Task WaitForShutdownAsync() => Task.WhenAny(_web.WaitForShutdownAsync(), System.WhenTerminated);

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        Broadcast.EndAll();
        KvWatches.EndAll();
        await _web.StopAsync().ConfigureAwait(false);
        await FlushCacheAsync().ConfigureAwait(false);
        await _raft.DisposeAsync().ConfigureAwait(false);
        await StopAkkaAsync(_akkaHost).ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _lockMetrics.Dispose();
        _queueMetrics.Dispose();
        _cacheMetrics.Dispose();
        _broadcastMetrics.Dispose();
    }

    /// <summary>A graceful stop writes this node's dirty cache lines back while the meta group still runs, so that a
    /// restart (or a rolling restart) loses no write-back write that completed.</summary>
    private async Task FlushCacheAsync()
    {
        try
        {
            var flushed = await Cache.FlushAsync().ConfigureAwait(false);
            if (flushed.Failed > 0)
                Akka.Event.LoggingExtensions.Warning(Akka.Event.Logging.GetLogger(System, typeof(DistSyncNode)), "cache: {0} dirty lines could not be written back at stop", flushed.Failed);
        }
        catch (Exception e) when (e is DistSync.Cache.Messages.CacheRequestFailedException or AskTimeoutException)
        {
            Akka.Event.LoggingExtensions.Warning(Akka.Event.Logging.GetLogger(System, typeof(DistSyncNode)), "cache: the write-back at stop did not finish: {0}", e.Message);
        }
    }

    /// <summary>Stops the actor system abruptly, without leaving the cluster (tests: the peers see a crash, as after a
    /// kill -9). Cut its links first (<see cref="NetworkFaults.IsolateAsync"/>) so that nothing says goodbye.</summary>
    public async Task CrashAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        Broadcast.EndAll();
        KvWatches.EndAll();
        await _web.StopAsync().ConfigureAwait(false);
        await _raft.DisposeAsync().ConfigureAwait(false);
        await System.Terminate().ConfigureAwait(false);
        _akkaHost.Dispose();
        await _web.DisposeAsync().ConfigureAwait(false);
        _lockMetrics.Dispose();
        _queueMetrics.Dispose();
        _cacheMetrics.Dispose();
        _broadcastMetrics.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static async Task StopAkkaAsync(IHost host)
    {
        // Akka.Hosting's stop runs coordinated shutdown (a graceful cluster leave); an already stopped system is fine.
        await host.StopAsync().ConfigureAwait(false);
        host.Dispose();
    }

    private static bool IsBindFailure(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException) return true;
            if (x.GetType().Name.Contains("Bind", StringComparison.Ordinal)) return true;
        }
        return e is AggregateException a && a.InnerExceptions.Any(IsBindFailure);
    }
}
