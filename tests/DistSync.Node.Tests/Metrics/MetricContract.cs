namespace DistSync.Node.Tests.Metrics;

/// <summary>The /metrics names the dashboard parses (issue 15): each family must exist, and its samples must carry
/// these labels. Renaming one breaks the dashboard: change both sides together.</summary>
internal static class MetricContract
{
    public static readonly (string Name, string Type, string[] Labels)[] Families =
    [
        ("dsync_http_requests_total", "counter", ["method", "route", "status"]),
        ("dsync_http_request_duration_seconds", "histogram", ["method", "route"]),
        ("dsync_raft_term", "gauge", ["group"]),
        ("dsync_raft_commit_index", "gauge", ["group"]),
        ("dsync_raft_applied_index", "gauge", ["group"]),
        ("dsync_raft_leader_changes_total", "counter", ["group"]),
        ("dsync_raft_is_leader", "gauge", ["group"]),
        ("dsync_raft_proposals_total", "counter", ["group"]),
        ("dsync_locks_grants_total", "counter", []),
        ("dsync_locks_held", "gauge", []),
        ("dsync_locks_waiting", "gauge", []),
        ("dsync_locks_wait_seconds", "histogram", []),
        ("dsync_locks_deadlocks_total", "counter", []),
        ("dsync_locks_timeouts_total", "counter", []),
        ("dsync_queues_produced_total", "counter", ["queue"]),
        ("dsync_queues_acked_total", "counter", ["queue"]),
        ("dsync_queues_redelivered_total", "counter", ["queue"]),
        ("dsync_queues_ready", "gauge", ["queue"]),
        ("dsync_queues_inflight", "gauge", ["queue"]),
        ("dsync_queues_dead_lettered", "gauge", ["queue"]),
        ("dsync_cache_hits_total", "counter", []),
        ("dsync_cache_misses_total", "counter", []),
        ("dsync_cache_hit_ratio", "gauge", []),
        ("dsync_cache_evictions_total", "counter", []),
        ("dsync_cache_lines", "gauge", ["state"]),
        ("dsync_broadcast_published_total", "counter", ["topic"]),
        ("dsync_broadcast_delivered_total", "counter", []),
        ("dsync_broadcast_subscribers", "gauge", []),
        ("dsync_cluster_members", "gauge", ["status"]),
        ("dsync_cluster_unreachable", "gauge", []),
        ("dsync_cluster_phi", "gauge", ["member"]),
        ("dsync_journal_batch_size", "histogram", []),
        ("dsync_journal_fsync_seconds", "histogram", []),
    ];
}
