using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DistSync.Node.Http;

/// <summary>
/// The node's OpenAPI document at <c>/openapi/v1.json</c>. Tags and summaries are assigned here by path, in one place,
/// so the route files (edited by several people at once) stay as they are; docs/API.md remains the contract.
/// </summary>
public static class OpenApiDocs
{
    /// <summary>Tag of each first path segment; anything else is "System".</summary>
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["kv"] = "KeyValue",
        ["lock"] = "Locks",
        ["session"] = "Sessions",
        ["queue"] = "Queues",
        ["cache"] = "Cache",
        ["broadcast"] = "Broadcast",
        ["cluster"] = "Cluster",
        ["raft"] = "Raft",
        ["admin"] = "Faults",
    };

    /// <summary>One line per operation, keyed by "METHOD path" as ApiExplorer writes it (catch-all marks removed).</summary>
    private static readonly Dictionary<string, string> Summaries = new(StringComparer.Ordinal)
    {
        ["GET health"] = "200 when this node sees a meta-group leader, else 503",
        ["GET status"] = "This node, its members and their phi",
        ["GET metrics"] = "Prometheus text exposition",
        ["GET kv/{key}"] = "Read a key (linearizable, or consistency=local)",
        ["PUT kv/{key}"] = "Write a key, optionally compare-and-set on its version",
        ["DELETE kv/{key}"] = "Delete a key",
        ["GET kv"] = "Range read: prefix= or from=/to=, paged with after= and limit=, count=true (docs/KV.md)",
        ["DELETE kv"] = "Delete every key of a prefix or from/to range in one entry",
        ["POST kv/txn"] = "Multi-key transaction: compares, then the success or failure ops, in one entry",
        ["GET kv/watch"] = "Watch a prefix, key or range as server-sent events in commit order (fromVersion, Last-Event-ID)",
        ["POST session"] = "Open a client session with a TTL",
        ["POST lock/acquire"] = "Acquire a shared or exclusive lock, waiting in FIFO order",
        ["POST lock/release"] = "Release a lock",
        ["POST queue/produce"] = "Produce a message (201 once committed)",
        ["POST queue/consume"] = "Lease messages, long-polling up to waitMs",
        ["POST queue/ack"] = "Acknowledge a leased message",
        ["POST queue/nack"] = "Return a leased message, optionally delayed",
        ["GET cache/read/{key}"] = "Read through the MESI cache",
        ["POST cache/write"] = "Write through the MESI cache",
        ["POST broadcast/publish"] = "Publish to a topic (total order)",
        ["GET broadcast/subscribe"] = "Subscribe to a topic as server-sent events",
        ["GET "] = "The dashboard page",
        ["GET raft/status"] = "Raft groups hosted on this node",
        ["POST raft/transfer-leader/{nodeId}"] = "Hand the meta group's leadership to a node",
        ["POST cluster/leave"] = "This node leaves the cluster",
        ["POST cluster/down/{nodeId}"] = "Remove a dead node from the meta group",
        ["POST session/{id}/keepalive"] = "Extend a session's TTL",
        ["DELETE session/{id}"] = "End a session: its locks are released, its waits cancelled",
        ["GET lock/status/{resource}"] = "Holders and waiters of a lock",
        ["GET lock/list"] = "Every held or awaited resource",
        ["GET queue/stats/{queue}"] = "Counts of one queue",
        ["GET queue/list"] = "Every queue",
        ["DELETE cache/invalidate/{key}"] = "Invalidate every copy of a key and remove its value",
        ["GET cache/stats"] = "This node's cache counters",
        ["GET broadcast/read"] = "Read a topic's messages from a sequence number",
        ["GET broadcast/topics"] = "Every topic",
    };

    public static IServiceCollection AddDistSyncOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "DistSync node API",
                    Version = "v1",
                    Description = "Locks, queues, a coherent cache, total-order broadcast and a key-value store; semantics in docs/API.md.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var path = (context.Description.RelativePath ?? "").Replace("**", "", StringComparison.Ordinal).TrimStart('/');
                var first = path.Split('/', 2)[0];
                var tag = Tags.GetValueOrDefault(first, "System");
                operation.Tags = new HashSet<OpenApiTagReference> { new(tag, context.Document) };
                if (operation.Summary is null && Summaries.TryGetValue($"{context.Description.HttpMethod} {path}", out var summary))
                    operation.Summary = summary;
                return Task.CompletedTask;
            });
        });
}
