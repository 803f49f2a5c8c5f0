using DistSync.Queues.Wire;
using Google.Protobuf;

namespace DistSync.Queues;

/// <summary>Decodes the <see cref="QueueResult"/> a partition's Apply returned, and names its failure as API.md does.</summary>
public static class QueueResults
{
    /// <summary>API.md's code for <see cref="QueueResult.StaleFence"/> (HTTP 409).</summary>
    public const string StaleFence = "stale-fence";

    /// <summary>The code for <see cref="QueueResult.Invalid"/> (HTTP 400, <see cref="Invalid.Field"/> names the field).</summary>
    public const string Invalid = "invalid";

    /// <exception cref="InvalidDataException">The bytes are not a queue result.</exception>
    public static QueueResult Decode(ReadOnlySpan<byte> bytes)
    {
        QueueResult result;
        try
        {
            result = QueueResult.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The proposal's result is not a queue result: " + e.Message, e);
        }

        return result.ResultCase == QueueResult.ResultOneofCase.None
            ? throw new InvalidDataException("The queue result carries no result.")
            : result;
    }

    /// <summary><see cref="StaleFence"/>, <see cref="Invalid"/>, or null when the command took effect.</summary>
    public static string? FailureCode(QueueResult result) => result.ResultCase switch
    {
        QueueResult.ResultOneofCase.StaleFence => StaleFence,
        QueueResult.ResultOneofCase.Invalid => Invalid,
        _ => null,
    };
}
