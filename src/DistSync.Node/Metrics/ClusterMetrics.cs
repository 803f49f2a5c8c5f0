using DistSync.Cluster.Membership;
using DistSync.Cluster.Metrics;
using DistSync.Cluster.Serialization;
using Prometheus;

namespace DistSync.Node.Metrics;

/// <summary>
/// Remoting and cluster, read on scrape: Akka.Cluster members by status as this node sees them, how many are
/// unreachable, the failure detector's phi per member, and the wire serializer's and dead-letter counters (process-wide
/// counters: several in-process nodes share them).
/// </summary>
internal sealed class ClusterMetrics
{
    private static readonly string[] Statuses = [MemberStatuses.Up, MemberStatuses.Unreachable, MemberStatuses.Joining, MemberStatuses.Leaving, MemberStatuses.Down];

    private readonly MemberDirectory members;
    private readonly Gauge byStatus;
    private readonly Gauge unreachable;
    private readonly Gauge phi;
    private readonly Counter messagesSent, bytesSent, messagesReceived, bytesReceived, malformed, deadLetters;
    private HashSet<string> phiMembers = new(StringComparer.Ordinal);

    public ClusterMetrics(IMetricFactory factory, MemberDirectory members)
    {
        this.members = members;
        byStatus = factory.CreateGauge("dsync_cluster_members", "Akka.Cluster members by status, as this node sees them", ["status"]);
        unreachable = factory.CreateGauge("dsync_cluster_unreachable", "members this node's failure detector marks unreachable");
        phi = factory.CreateGauge("dsync_cluster_phi", "phi-accrual failure detector value per other member (capped at 1e6)", ["member"]);
        messagesSent = factory.CreateCounter("dsync_remote_messages_sent_total", "messages serialized by dsync-wire for another node");
        bytesSent = factory.CreateCounter("dsync_remote_bytes_sent_total", "payload bytes serialized by dsync-wire");
        messagesReceived = factory.CreateCounter("dsync_remote_messages_received_total", "messages parsed by dsync-wire from another node");
        bytesReceived = factory.CreateCounter("dsync_remote_bytes_received_total", "payload bytes parsed by dsync-wire");
        malformed = factory.CreateCounter("dsync_remote_malformed_total", "messages dropped: unknown manifest, unparsable bytes or no type id (each is logged by Akka)");
        deadLetters = factory.CreateCounter("dsync_dead_letters_total", "messages Akka could not deliver (stopped actor, gated or unreachable peer)");
        ClusterMeter.EnsureCreated(); // starts counting dead letters
    }

    public void Collect()
    {
        var list = members.Members();
        Span<int> counts = stackalloc int[Statuses.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in list)
        {
            var i = Array.IndexOf(Statuses, m.Status);
            if (i >= 0) counts[i]++;
            if (m.Address.Equals(members.SelfAddress)) continue;
            var name = m.NodeId ?? m.Address.ToString();
            seen.Add(name);
            phi.WithLabels(name).Set(double.IsNaN(m.Phi) ? 0 : Math.Min(m.Phi, 1e6)); // +Inf after a long silence
        }
        for (var i = 0; i < Statuses.Length; i++) byStatus.WithLabels(Statuses[i]).Set(counts[i]);
        unreachable.Set(counts[Array.IndexOf(Statuses, MemberStatuses.Unreachable)]);
        foreach (var gone in phiMembers) if (!seen.Contains(gone)) phi.RemoveLabelled(gone);
        phiMembers = seen;

        messagesSent.IncTo(WireMetrics.MessagesOut);
        bytesSent.IncTo(WireMetrics.BytesOut);
        messagesReceived.IncTo(WireMetrics.MessagesIn);
        bytesReceived.IncTo(WireMetrics.BytesIn);
        malformed.IncTo(WireMetrics.Failures);
        deadLetters.IncTo(ClusterMeter.DeadLetters);
    }
}
