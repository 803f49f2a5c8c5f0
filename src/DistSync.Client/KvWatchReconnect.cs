namespace DistSync.Client;

/// <summary>
/// A watch's move to another node: the stream on <see cref="Lost"/> ended (closed by the node, or broken by
/// <see cref="Reason"/>) and the watch reopens on <see cref="Next"/>, resuming after <see cref="LastEventId"/>
/// (null: from the watch's start version).
/// </summary>
public sealed record KvWatchReconnect(Uri Lost, Uri Next, Exception? Reason, string? LastEventId);
