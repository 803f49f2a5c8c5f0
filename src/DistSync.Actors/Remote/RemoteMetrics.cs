namespace DistSync.Actors.Remote;

/// <summary>
/// Counters of one remoting transport, updated with Interlocked from the socket loops and read by
/// /metrics and tests. All counts since start.
/// </summary>
public sealed class RemoteMetrics
{
    private long _messagesSent;
    private long _messagesReceived;
    private long _socketWrites;
    private long _bytesSent;
    private long _bytesReceived;
    private long _outboundQueueDrops;
    private long _unserializableDrops;
    private long _oversizeDrops;
    private long _faultInjectionDrops;
    private long _malformedConnections;
    private long _unknownTypeIdConnections;
    private long _truncatedConnections;
    private long _handshakeFailures;
    private long _associationsEstablished;
    private long _connectFailures;
    private long _inboundConnectionsAccepted;
    private long _undeliverable;

    /// <summary>Envelopes written to sockets.</summary>
    public long MessagesSent => Volatile.Read(ref _messagesSent);

    /// <summary>Envelopes read from sockets and dispatched.</summary>
    public long MessagesReceived => Volatile.Read(ref _messagesReceived);

    /// <summary>Socket writes; MessagesSent / SocketWrites is the batching factor.</summary>
    public long SocketWrites => Volatile.Read(ref _socketWrites);

    public long BytesSent => Volatile.Read(ref _bytesSent);

    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Messages dropped because a peer's outbound queue was full.</summary>
    public long OutboundQueueDrops => Volatile.Read(ref _outboundQueueDrops);

    /// <summary>Messages dropped because their type is not a registered protobuf message.</summary>
    public long UnserializableDrops => Volatile.Read(ref _unserializableDrops);

    /// <summary>Messages dropped because their frame would exceed max-frame-size.</summary>
    public long OversizeDrops => Volatile.Read(ref _oversizeDrops);

    /// <summary>Messages dropped by the fault injector (block or random drop).</summary>
    public long FaultInjectionDrops => Volatile.Read(ref _faultInjectionDrops);

    /// <summary>Connections closed because of an unparsable frame (garbage, bad length, bad protobuf).</summary>
    public long MalformedConnections => Volatile.Read(ref _malformedConnections);

    /// <summary>Connections closed because a frame carried a type id nobody registered.</summary>
    public long UnknownTypeIdConnections => Volatile.Read(ref _unknownTypeIdConnections);

    /// <summary>Connections that ended in the middle of a frame.</summary>
    public long TruncatedConnections => Volatile.Read(ref _truncatedConnections);

    /// <summary>Inbound or outbound connections whose handshake failed or timed out.</summary>
    public long HandshakeFailures => Volatile.Read(ref _handshakeFailures);

    public long AssociationsEstablished => Volatile.Read(ref _associationsEstablished);

    public long ConnectFailures => Volatile.Read(ref _connectFailures);

    public long InboundConnectionsAccepted => Volatile.Read(ref _inboundConnectionsAccepted);

    /// <summary>Inbound messages whose recipient did not resolve (sent to dead letters).</summary>
    public long Undeliverable => Volatile.Read(ref _undeliverable);

    /// <summary>Total connections closed for bad input of any kind.</summary>
    public long BadInputConnections => MalformedConnections + UnknownTypeIdConnections + TruncatedConnections;

    internal void AddSent(long messages, long bytes)
    {
        Interlocked.Add(ref _messagesSent, messages);
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Increment(ref _socketWrites);
    }

    internal void AddReceived(long messages, long bytes)
    {
        Interlocked.Add(ref _messagesReceived, messages);
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    internal void OutboundQueueDrop() => Interlocked.Increment(ref _outboundQueueDrops);

    internal void UnserializableDrop() => Interlocked.Increment(ref _unserializableDrops);

    internal void OversizeDrop() => Interlocked.Increment(ref _oversizeDrops);

    internal void FaultInjectionDrop() => Interlocked.Increment(ref _faultInjectionDrops);

    internal void MalformedConnection() => Interlocked.Increment(ref _malformedConnections);

    internal void UnknownTypeIdConnection() => Interlocked.Increment(ref _unknownTypeIdConnections);

    internal void TruncatedConnection() => Interlocked.Increment(ref _truncatedConnections);

    internal void HandshakeFailure() => Interlocked.Increment(ref _handshakeFailures);

    internal void AssociationEstablished() => Interlocked.Increment(ref _associationsEstablished);

    internal void ConnectFailure() => Interlocked.Increment(ref _connectFailures);

    internal void InboundConnectionAccepted() => Interlocked.Increment(ref _inboundConnectionsAccepted);

    internal void UndeliverableMessage() => Interlocked.Increment(ref _undeliverable);
}
