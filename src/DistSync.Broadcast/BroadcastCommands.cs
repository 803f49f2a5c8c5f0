using DistSync.Broadcast.Wire;
using Google.Protobuf;

namespace DistSync.Broadcast;

/// <summary>
/// Builds the <see cref="BroadcastCommand"/>s a host proposes; <see cref="Encode"/> gives the entry bytes. Builders do
/// not check bounds: the state machine does, on the log, and answers <see cref="Invalid"/>.
/// </summary>
public static class BroadcastCommands
{
    /// <summary>How the message of a stale-repeat <see cref="Invalid"/> starts (it also has <see cref="Invalid.StaleClientSeq"/> set).</summary>
    public const string StaleClientSequence = "stale client sequence";

    /// <param name="clientId">"" for none.</param>
    /// <param name="clientSeq">With a client id and above 0: repeats of (topic, clientId, clientSeq) store nothing. 0 for none.</param>
    public static BroadcastCommand Publish(string topic, string payload, string clientId = "", long clientSeq = 0) =>
        new() { Publish = new Publish { Topic = topic ?? "", Payload = payload ?? "", ClientId = clientId ?? "", ClientSeq = clientSeq } };

    /// <summary>Trims every topic by age at the entry's log time (and forgets idle clients).</summary>
    public static BroadcastCommand Expire() => new() { Expire = new Expire() };

    public static byte[] Encode(BroadcastCommand c) => c.ToByteArray();

    /// <summary>The command an entry carries.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a broadcast command (apply <c>new BroadcastCommand()</c> then: it answers Invalid).</exception>
    public static BroadcastCommand DecodeCommand(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return BroadcastCommand.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The entry is not a broadcast command: " + e.Message, e);
        }
    }

    /// <exception cref="InvalidDataException">The bytes are not a broadcast result, or carry none.</exception>
    public static BroadcastResult DecodeResult(ReadOnlySpan<byte> bytes)
    {
        BroadcastResult result;
        try
        {
            result = BroadcastResult.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The proposal's result is not a broadcast result: " + e.Message, e);
        }

        return result.ResultCase == BroadcastResult.ResultOneofCase.None
            ? throw new InvalidDataException("The broadcast result carries no result.")
            : result;
    }
}
