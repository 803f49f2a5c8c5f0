using System.Runtime.CompilerServices;
using DistSync.Client.Contracts;

namespace DistSync.Client.Recipes;

/// <summary>
/// Follows the keys under one prefix for the recipes: a range read, then a watch from its revision + 1 applied to
/// the copy, as etcd's concurrency package does. Yields the copy after the read and after each change. A compacted
/// watch (it fell behind) reads the range again. The yielded dictionary is the live copy: read it before the next step.
/// </summary>
internal static class KvPrefixMirror
{
    public static async IAsyncEnumerable<IReadOnlyDictionary<string, KvGetResponse>> FollowAsync(DistSyncClient client, string prefix,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var state = new SortedDictionary<string, KvGetResponse>(StringComparer.Ordinal);
        var range = KvRange.Prefix(prefix);
        while (true)
        {
            state.Clear();
            var revision = await ReadAsync(client, range, state, ct).ConfigureAwait(false);
            yield return state;

            var changes = client.WatchAsync(range, revision + 1, ct: ct).GetAsyncEnumerator(ct);
            try
            {
                while (true)
                {
                    try
                    {
                        if (!await changes.MoveNextAsync().ConfigureAwait(false)) break;
                    }
                    catch (KvCompactedException)
                    {
                        break; // read the range again
                    }
                    if (Apply(state, changes.Current)) yield return state;
                }
            }
            finally
            {
                await changes.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads every key of the range into <paramref name="state"/>; returns the first page's revision.</summary>
    public static async Task<long> ReadAsync(DistSyncClient client, KvRange range, IDictionary<string, KvGetResponse> state, CancellationToken ct)
    {
        string? after = null;
        long? revision = null;
        while (true)
        {
            var page = await RecipeRetry.RunAsync(c => client.RangeAsync(range, after, DistSyncClient.MaxRangeLimit, ReadConsistency.Linearizable, c), ct)
                .ConfigureAwait(false);
            // Later pages are newer reads; the watch from the first one's revision replays what they already show,
            // which Apply ignores by version.
            revision ??= page.Revision;
            foreach (var kv in page.Kvs) state[kv.Key] = kv;
            if (!page.More || page.Kvs.Count == 0) return revision.Value;
            after = page.Kvs[^1].Key;
        }
    }

    /// <summary>Applies one change; false when it was older than what the copy holds (a replay).</summary>
    public static bool Apply(IDictionary<string, KvGetResponse> state, KvWatchEvent change)
    {
        state.TryGetValue(change.Key, out var current);
        if (change.Type == "delete")
        {
            if (current is null || current.Version > change.Version) return false;
            state.Remove(change.Key);
            return true;
        }
        if (current is not null && current.Version >= change.Version) return false;
        state[change.Key] = new KvGetResponse(change.Key, change.Value ?? "", change.Version, change.CreateVersion, change.SessionId);
        return true;
    }
}
