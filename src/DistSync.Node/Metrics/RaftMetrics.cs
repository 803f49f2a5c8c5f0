using System.Collections.Concurrent;
using System.Globalization;
using DistSync.Raft.Hosting;
using Prometheus;

namespace DistSync.Node.Metrics;

/// <summary>
/// Raft per group (label <c>group</c>): what the group actors report through <see cref="IRaftMetrics"/> (proposals,
/// leader changes, persisted batches and their fsync time, commit latency), recorded into series cached per group so
/// the actor thread does not allocate; and, read from each group's status on scrape, term, commit and applied index,
/// last log index and whether this node leads.
/// </summary>
public sealed class RaftMetrics : IRaftMetrics
{
    private readonly Counter proposals;
    private readonly Counter leaderChanges;
    private readonly Histogram batchEntries;
    private readonly Histogram fsyncSeconds;
    private readonly Histogram commitSeconds;
    private readonly Histogram forwardSeconds;
    private readonly Histogram applySeconds;
    private readonly Gauge term;
    private readonly Gauge commitIndex;
    private readonly Gauge appliedIndex;
    private readonly Gauge lastIndex;
    private readonly Gauge isLeader;
    private readonly Gauge groups;
    private readonly ConcurrentDictionary<int, Series> byGroup = new();
    private Func<IEnumerable<IRaftGroup>> hosted = () => [];
    private HashSet<int> hostedAtLastScrape = [];

    internal RaftMetrics(IMetricFactory factory)
    {
        string[] group = ["group"];
        proposals = factory.CreateCounter("dsync_raft_proposals_total", "client proposals this node appended as leader", group);
        leaderChanges = factory.CreateCounter("dsync_raft_leader_changes_total", "new leaders this node saw (its own elections included)", group);
        batchEntries = factory.CreateHistogram("dsync_raft_batch_entries", "log entries per persisted Ready (one journal write each)",
            new HistogramConfiguration { LabelNames = group, Buckets = MetricBuckets.BatchSize });
        fsyncSeconds = factory.CreateHistogram("dsync_raft_fsync_seconds", "time to persist one Ready through the journal (fsync included)",
            new HistogramConfiguration { LabelNames = group, Buckets = MetricBuckets.Fsync });
        commitSeconds = factory.CreateHistogram("dsync_raft_commit_seconds", "leader: time from a proposal to its entry applied",
            new HistogramConfiguration { LabelNames = group, Buckets = MetricBuckets.Seconds });
        forwardSeconds = factory.CreateHistogram("dsync_raft_forward_seconds", "follower: time from relaying a proposal to the leader to its answer",
            new HistogramConfiguration { LabelNames = group, Buckets = MetricBuckets.Seconds });
        applySeconds = factory.CreateHistogram("dsync_raft_apply_seconds", "time to apply the committed entries of one Ready to the state machine",
            new HistogramConfiguration { LabelNames = group, Buckets = MetricBuckets.Fsync });
        term = factory.CreateGauge("dsync_raft_term", "current term of this node's replica", group);
        commitIndex = factory.CreateGauge("dsync_raft_commit_index", "highest log index known committed", group);
        appliedIndex = factory.CreateGauge("dsync_raft_applied_index", "highest log index applied to the state machine", group);
        lastIndex = factory.CreateGauge("dsync_raft_last_index", "last index in this node's log", group);
        isLeader = factory.CreateGauge("dsync_raft_is_leader", "1 when this node leads the group, else 0", group);
        groups = factory.CreateGauge("dsync_raft_groups", "Raft groups hosted on this node (the meta group included)");
    }

    /// <summary>Where the scrape finds the groups hosted now (set once the Raft host has started).</summary>
    internal void Observe(Func<IEnumerable<IRaftGroup>> groupsHosted) => hosted = groupsHosted;

    public void Proposed(int groupId) => SeriesOf(groupId).Proposals.Inc();

    public void LeaderChanged(int groupId) => SeriesOf(groupId).LeaderChanges.Inc();

    public void Persisted(int groupId, int entries, TimeSpan elapsed)
    {
        var s = SeriesOf(groupId);
        s.BatchEntries.Observe(entries);
        s.Fsync.Observe(elapsed.TotalSeconds);
    }

    public void Committed(int groupId, TimeSpan elapsed) => SeriesOf(groupId).Commit.Observe(elapsed.TotalSeconds);

    public void Forwarded(int groupId, TimeSpan elapsed) => SeriesOf(groupId).Forward.Observe(elapsed.TotalSeconds);

    public void Applied(int groupId, int entries, TimeSpan elapsed) => SeriesOf(groupId).Apply.Observe(elapsed.TotalSeconds);

    /// <summary>Scrape: the gauges from each hosted group's status; a group no longer hosted loses its series.
    /// Scrapes are serialized by <see cref="NodeMetrics.WriteAsync"/>, so the fields this touches need no lock.</summary>
    internal void Collect()
    {
        var seen = new HashSet<int>();
        foreach (var g in hosted())
        {
            var st = g.Status;
            if (st.Role is "stopped" or "failed") continue;
            seen.Add(g.GroupId);
            var s = SeriesOf(g.GroupId);
            s.Term.Set(st.Term);
            s.CommitIndex.Set(st.CommitIndex);
            s.AppliedIndex.Set(st.LastApplied);
            s.LastIndex.Set(st.LastIndex);
            s.IsLeader.Set(st.Role == "leader" ? 1 : 0);
        }
        groups.Set(seen.Count);
        // Only a group seen hosted before loses its series: one reporting before the host lists it keeps them.
        foreach (var id in hostedAtLastScrape)
        {
            if (!seen.Contains(id) && byGroup.TryRemove(id, out var gone)) RemoveGroup(gone.Label);
        }
        hostedAtLastScrape = seen;
    }

    private Series SeriesOf(int groupId) => byGroup.TryGetValue(groupId, out var s) ? s : byGroup.GetOrAdd(groupId, id => new Series(this, id));

    private void RemoveGroup(string label)
    {
        proposals.RemoveLabelled(label);
        leaderChanges.RemoveLabelled(label);
        batchEntries.RemoveLabelled(label);
        fsyncSeconds.RemoveLabelled(label);
        commitSeconds.RemoveLabelled(label);
        forwardSeconds.RemoveLabelled(label);
        applySeconds.RemoveLabelled(label);
        term.RemoveLabelled(label);
        commitIndex.RemoveLabelled(label);
        appliedIndex.RemoveLabelled(label);
        lastIndex.RemoveLabelled(label);
        isLeader.RemoveLabelled(label);
    }

    /// <summary>The children of one group, looked up once (a label lookup per call would cost on the actor thread).</summary>
    private sealed class Series
    {
        public Series(RaftMetrics m, int groupId)
        {
            Label = groupId.ToString(CultureInfo.InvariantCulture);
            Proposals = m.proposals.WithLabels(Label);
            LeaderChanges = m.leaderChanges.WithLabels(Label);
            BatchEntries = m.batchEntries.WithLabels(Label);
            Fsync = m.fsyncSeconds.WithLabels(Label);
            Commit = m.commitSeconds.WithLabels(Label);
            Forward = m.forwardSeconds.WithLabels(Label);
            Apply = m.applySeconds.WithLabels(Label);
            Term = m.term.WithLabels(Label);
            CommitIndex = m.commitIndex.WithLabels(Label);
            AppliedIndex = m.appliedIndex.WithLabels(Label);
            LastIndex = m.lastIndex.WithLabels(Label);
            IsLeader = m.isLeader.WithLabels(Label);
        }

        public string Label { get; }
        public Counter.Child Proposals { get; }
        public Counter.Child LeaderChanges { get; }
        public Histogram.Child BatchEntries { get; }
        public Histogram.Child Fsync { get; }
        public Histogram.Child Commit { get; }
        public Histogram.Child Forward { get; }
        public Histogram.Child Apply { get; }
        public Gauge.Child Term { get; }
        public Gauge.Child CommitIndex { get; }
        public Gauge.Child AppliedIndex { get; }
        public Gauge.Child LastIndex { get; }
        public Gauge.Child IsLeader { get; }
    }
}
