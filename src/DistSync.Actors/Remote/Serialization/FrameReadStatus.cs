namespace DistSync.Actors.Remote.Serialization;

/// <summary>Outcome of <see cref="FrameCodec.TryReadFrame"/>.</summary>
public enum FrameReadStatus
{
    /// <summary>The buffer holds less than one whole frame; read more bytes.</summary>
    NeedMoreData,

    /// <summary>One frame was decoded.</summary>
    Frame,

    /// <summary>The bytes cannot be a valid frame; the connection must be closed.</summary>
    Malformed,
}
