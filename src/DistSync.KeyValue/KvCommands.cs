using DistSync.KeyValue.Wire;
using Google.Protobuf;

namespace DistSync.KeyValue;

/// <summary>Builds and encodes the store's commands and decodes its results (the bytes a Raft entry carries).</summary>
public static class KvCommands
{
    /// <summary>A put; <paramref name="expectedVersion"/> makes it a compare-and-set (0 = must not exist).</summary>
    public static KvCommand Put(string key, string value, long? expectedVersion = null)
    {
        var put = new Put { Key = key, Value = value };
        if (expectedVersion is { } v) put.ExpectedVersion = v;
        return new KvCommand { Put = put };
    }

    public static KvCommand Delete(string key) => new() { Delete = new Delete { Key = key } };

    public static byte[] Encode(KvCommand command) => command.ToByteArray();

    /// <summary>Decodes a result returned by a proposal.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a KvResult.</exception>
    public static KvResult DecodeResult(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return KvResult.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("the proposal's result is not a key-value result: " + e.Message, e);
        }
    }
}
