using DistSync.Cluster.Membership;
using DistSync.Persistence.Encryption;
using DistSync.Persistence.Plugins;
using DistSync.Raft.Hosting;
using Prometheus;

namespace DistSync.Node.Metrics;

/// <summary>
/// The series behind one node's <c>GET /metrics</c>, in a prometheus-net registry of this node's own (not the
/// library's process-wide default: in-process specs run several nodes, and each must show only its own figures).
/// Services record into their series as they go (cached children, no allocation on the Raft and journal paths);
/// gauges and counters owned elsewhere (Raft status, cluster view, journal counters, runtime) are read on scrape.
/// </summary>
public sealed class NodeMetrics
{
    /// <summary>The content type of the text exposition format 0.0.4 that <see cref="WriteAsync"/> writes.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public NodeMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Http = new HttpMetrics(Factory);
        Raft = new RaftMetrics(Factory);
        var runtime = new RuntimeMetrics(Registry, Factory);
        Registry.AddBeforeCollectCallback(runtime.Collect);
        Registry.AddBeforeCollectCallback(Raft.Collect);
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    public HttpMetrics Http { get; }

    /// <summary>Given to the Raft host (<see cref="RaftHostOptions.Metrics"/>).</summary>
    public RaftMetrics Raft { get; }

    /// <summary>Once the actor system, the cluster view and the Raft host run: their series are read on scrape.</summary>
    public void Observe(MemberDirectory members, JournalPluginMetrics journal, RaftHost raft)
    {
        ArgumentNullException.ThrowIfNull(raft);
        var cluster = new ClusterMetrics(Factory, members);
        var journalMetrics = new JournalMetrics(Factory, journal);
        Registry.AddBeforeCollectCallback(cluster.Collect);
        Registry.AddBeforeCollectCallback(journalMetrics.Collect);
        Raft.Observe(() => raft.Groups.Prepend(raft.Meta));
    }

    /// <summary>Exports the TLS refusals of <paramref name="tls"/> (remoting handshakes, plain HTTP on the HTTPS port).</summary>
    public void ObserveTls(Security.NodeTls tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var refused = Factory.CreateCounter("dsync_security_tls_refused_total",
            "TLS connections refused: remoting peers without a certificate of the cluster CA, plain HTTP on the HTTPS port", ["kind"]);
        var remoting = refused.WithLabels("remoting");
        var plain = refused.WithLabels("plain-http");
        Registry.AddBeforeCollectCallback(() =>
        {
            remoting.IncTo(tls.RemotingRefused);
            plain.IncTo(tls.PlainHttpRefused);
        });
    }

    /// <summary>Exports the records encryption at rest refused (each failed a recovery), by journal and snapshot;
    /// at 0 while encryption at rest is off, so an alert on it needs no special case.</summary>
    public void ObserveDataAtRest(DataAtRestMetrics dataAtRest)
    {
        ArgumentNullException.ThrowIfNull(dataAtRest);
        var failures = Factory.CreateCounter("dsync_persistence_decrypt_failures_total",
            "Stored records refused by encryption at rest (tampered, moved, unknown key id, or plaintext while refused); each failed a recovery", ["kind"]);
        var journal = failures.WithLabels("journal");
        var snapshot = failures.WithLabels("snapshot");
        journal.IncTo(0);
        snapshot.IncTo(0);
        Registry.AddBeforeCollectCallback(() =>
        {
            journal.IncTo(dataAtRest.JournalDecryptFailures);
            snapshot.IncTo(dataAtRest.SnapshotDecryptFailures);
        });
    }

    // prometheus-net runs the scrape callbacks of concurrent scrapes concurrently (Prometheus and a dashboard both
    // poll); ours keep a little state between scrapes, so one scrape at a time.
    private readonly SemaphoreSlim scrape = new(1, 1);

    /// <summary>Writes the whole exposition (the scrape callbacks run first). One scrape at a time.</summary>
    public async Task WriteAsync(Stream to, CancellationToken ct)
    {
        await scrape.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await Registry.CollectAndExportAsTextAsync(to, ct).ConfigureAwait(false);
        }
        finally
        {
            scrape.Release();
        }
    }

    /// <summary>The exposition as text (specs, the bench).</summary>
    public async Task<string> RenderAsync(CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await WriteAsync(buffer, ct).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
