using Serilog;

namespace DistSync.Persistence.Journal;

/// <summary>
/// The group-commit step of <see cref="GroupCommitJournalWriter"/>: all
/// requests in one journal transaction; if that fails, each request alone, so one bad write does not fail its
/// neighbours (the failed batch left nothing behind: a rolled-back transaction, or idempotent commands on Redis).
/// </summary>
internal static class BatchCommitter
{
    /// <summary>Commits <paramref name="requests"/>; returns per request null (durable) or its error.
    /// <paramref name="transactions"/> is raised by the number of journal calls made.</summary>
    public static async Task<Exception?[]> CommitAsync(IJournal journal, IReadOnlyList<IReadOnlyList<AtomicWrite>> requests,
        ILogger log, Action<int> transactions)
    {
        var results = new Exception?[requests.Count];
        var writes = new List<AtomicWrite>();
        foreach (var request in requests)
            for (var i = 0; i < request.Count; i++) writes.Add(request[i]);
        if (writes.Count == 0) return results; // only flush barriers: nothing to commit
        try
        {
            transactions(1);
            await journal.WriteMessagesAsync(writes).ConfigureAwait(false);
            return results;
        }
        catch (Exception batchError) when (requests.Count > 1)
        {
            log.Warning(batchError, "Journal batch of {Count} requests failed; retrying them one by one", requests.Count);
        }
        catch (Exception error)
        {
            Array.Fill(results, error); // one request with writes, maybe flush barriers around it
            return results;
        }
        for (var r = 0; r < requests.Count; r++)
        {
            if (requests[r].Count == 0) continue;
            try
            {
                transactions(1);
                await journal.WriteMessagesAsync(requests[r]).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                results[r] = error;
            }
        }
        return results;
    }
}
