using System.Text;
using DistSync.Actors.Remote.Transport;
using Google.Protobuf;

namespace DistSync.Actors.Remote;

/// <summary>
/// A ref to an actor of another system. <see cref="Tell"/> queues the message on the association with
/// that system (serialised later by the writer); the message must be a protobuf message registered in the
/// <see cref="Serialization.MessageTypeRegistry"/>, anything else is logged, counted and dead-lettered.
/// Equality is by path, so watch bookkeeping works with any instance for the same actor.
/// </summary>
public sealed class RemoteActorRef : IInternalActorRef, IEquatable<RemoteActorRef>
{
    private readonly RemoteActorRefProvider _provider;
    private readonly Association _association;

    internal RemoteActorRef(RemoteActorRefProvider provider, ActorPath path, Association association)
    {
        _provider = provider;
        Path = path;
        _association = association;
        PathUtf8 = Encoding.UTF8.GetBytes(path.ToString());
    }

    public ActorPath Path { get; }

    public ActorSystem System => _provider.System;

    /// <summary>Always false: a remote actor's death is learnt through death watch, not by asking the ref.</summary>
    public bool IsTerminated => false;

    internal byte[] PathUtf8 { get; }

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is IMessage proto && _provider.Registry.TryGetTypeId(proto.GetType(), out var typeId))
        {
            var senderPath = sender is null || ReferenceEquals(sender, ActorRefs.Nobody) ? null : _provider.SerializedPathBytes(sender);
            if (!_association.TryEnqueue(new OutboundEnvelope(PathUtf8, senderPath, typeId, proto)))
            {
                _provider.DeadLetter(message, sender, this);
            }

            return;
        }

        _provider.TellNonProtobuf(this, message, sender);
    }

    public void AddWatcher(IActorRef watcher) => _provider.WatchRemote(this, watcher);

    public void RemoveWatcher(IActorRef watcher) => _provider.UnwatchRemote(this, watcher);

    public void Stop() => _provider.StopRemote(this);

    public bool Equals(RemoteActorRef? other) => other is not null && Path.Equals(other.Path);

    public override bool Equals(object? obj) => obj is RemoteActorRef other && Equals(other);

    public override int GetHashCode() => Path.GetHashCode();

    public override string ToString() => $"[{Path}]";
}
