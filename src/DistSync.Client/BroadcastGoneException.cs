using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// 410 from a broadcast read or subscribe: the messages from <see cref="From"/> on are partly trimmed by the topic's
/// retention, and <see cref="FirstSeq"/> is the oldest one still retained. Not retried: the missed messages are gone.
/// </summary>
public sealed class BroadcastGoneException(string topic, long from, long firstSeq, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.Gone, problem,
        $"topic '{topic}': messages before seq {firstSeq} are no longer retained (asked from {from})")
{
    public string Topic { get; } = topic;

    public long From { get; } = from;

    public long FirstSeq { get; } = firstSeq;
}
