using DistSync.Actors.Remote.Wire;

namespace DistSync.Actors.Remote.Serialization;

/// <summary>
/// Type ids of the remoting control messages (range 1-99). Written on the wire: never renumber, only add.
/// </summary>
public static class RemoteControlTypeIds
{
    public const uint Handshake = 1;
    public const uint HandshakeAck = 2;
    public const uint Heartbeat = 3;
    public const uint HeartbeatRsp = 4;
    public const uint WatchRemote = 5;
    public const uint UnwatchRemote = 6;
    public const uint DeathWatchNotification = 7;
    public const uint StopRemote = 8;

    /// <summary>Highest id of the control range.</summary>
    public const uint MaxControlId = 99;

    public static bool IsControl(uint typeId) => typeId is > 0 and <= MaxControlId;

    internal static void RegisterAll(MessageTypeRegistry registry)
    {
        registry.Register(Handshake, Wire.Handshake.Parser);
        registry.Register(HandshakeAck, Wire.HandshakeAck.Parser);
        registry.Register(Heartbeat, Wire.Heartbeat.Parser);
        registry.Register(HeartbeatRsp, Wire.HeartbeatRsp.Parser);
        registry.Register(WatchRemote, Wire.WatchRemote.Parser);
        registry.Register(UnwatchRemote, Wire.UnwatchRemote.Parser);
        registry.Register(DeathWatchNotification, Wire.DeathWatchNotification.Parser);
        registry.Register(StopRemote, Wire.StopRemote.Parser);
    }
}
