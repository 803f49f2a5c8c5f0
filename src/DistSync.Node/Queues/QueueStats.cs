using DistSync.Client.Contracts;
using DistSync.Queues.Catalog;
using DistSync.Queues.Catalog.Wire;

namespace DistSync.Node.Queues;

/// <summary>Builds <c>GET /queue/stats</c> and <c>/queue/list</c> answers from the partitions' replicas (a replica may lag
/// its leader by the entries in flight; counts are the replica's at its last applied entry). Rates are per second
/// between two stats reads on this node.</summary>
public static class QueueStats
{
    public static async Task<IReadOnlyList<QueuePartitionStatus>> PartitionsAsync(QueueService queues, QueueInfo info, bool deadLetter, CancellationToken ct)
    {
        var tasks = info.Partitions.Select(p => queues.StatsAsync(p, ct)).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var list = new List<QueuePartitionStatus>(info.Partitions.Count);
        for (int i = 0; i < info.Partitions.Count; i++)
        {
            var p = info.Partitions[i];
            var s = tasks[i].Result;
            var (producedRate, ackedRate) = Rates(queues.RateSamples, p.GroupId, s.ProducedTotal, s.AckedTotal);
            list.Add(deadLetter
                ? new QueuePartitionStatus(p.Index, p.GroupId, NullIfEmpty(s.Leader), [.. p.Replicas], [.. p.Target], s.DeadLetterReady, s.DeadLetterInflight, 0,
                    s.DeadLettered, 0, 0, 0)
                : new QueuePartitionStatus(p.Index, p.GroupId, NullIfEmpty(s.Leader), [.. p.Replicas], [.. p.Target], s.Ready, s.Inflight, s.DeadLettered,
                    s.ProducedTotal, s.AckedTotal, producedRate, ackedRate));
        }
        return list;
    }

    public static async Task<IReadOnlyList<QueueSummary>> ListAsync(QueueService queues, CancellationToken ct)
    {
        var answer = new List<QueueSummary>();
        foreach (var info in queues.Catalog.Current.Queues.Values.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            var parts = await PartitionsAsync(queues, info, deadLetter: false, ct).ConfigureAwait(false);
            var dlq = await PartitionsAsync(queues, info, deadLetter: true, ct).ConfigureAwait(false);
            answer.Add(new QueueSummary(info.Name, parts.Count, parts.Sum(p => p.Ready), parts.Sum(p => p.Inflight), parts.Sum(p => p.DeadLettered)));
            answer.Add(new QueueSummary(info.Name + QueueNames.DeadLetterSuffix, dlq.Count, dlq.Sum(p => p.Ready), dlq.Sum(p => p.Inflight), 0));
        }
        return answer;
    }

    private static (double Produced, double Acked) Rates(Dictionary<int, (DateTime At, long Produced, long Acked, double ProducedPerSec, double AckedPerSec)> rates,
        int groupId, long produced, long acked)
    {
        var now = DateTime.UtcNow;
        lock (rates)
        {
            if (!rates.TryGetValue(groupId, out var last))
            {
                rates[groupId] = (now, produced, acked, 0, 0);
                return (0, 0);
            }
            var seconds = (now - last.At).TotalSeconds;
            if (seconds < 0.5) return (last.ProducedPerSec, last.AckedPerSec); // two reads close together: the last rate
            var rate = (Math.Max(0, produced - last.Produced) / seconds, Math.Max(0, acked - last.Acked) / seconds);
            rates[groupId] = (now, produced, acked, rate.Item1, rate.Item2);
            return rate;
        }
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
