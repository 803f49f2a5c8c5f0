namespace DistSync.Client.Contracts;

/// <summary>
/// One entry of <c>GET /broadcast/topics</c>: the retained range <see cref="FirstSeq"/>..<see cref="LastSeq"/>
/// (empty when <c>FirstSeq &gt; LastSeq</c>) and how many SSE subscribers follow the topic.
/// </summary>
public sealed record BroadcastTopicInfo(string Topic, long FirstSeq, long LastSeq, int Subscribers);
