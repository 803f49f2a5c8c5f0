using DistSync.KeyValue.Wire;
using Google.Protobuf;

namespace DistSync.KeyValue;

/// <summary>Builds and encodes the store's commands and decodes its results (the bytes a Raft entry carries).</summary>
public static class KvCommands
{
    /// <summary>A put; <paramref name="expectedVersion"/> makes it a compare-and-set (0 = must not exist).</summary>
    /// <summary>A put; <paramref name="expectedVersion"/> makes it a compare-and-set (0 = must not exist), and
    /// <paramref name="sessionId"/> binds the key to that session.</summary>
    public static KvCommand Put(string key, string value, long? expectedVersion = null, string? sessionId = null) =>
        new() { Put = PutOp(key, value, expectedVersion, sessionId) };

    public static KvCommand Delete(string key) => new() { Delete = new Delete { Key = key } };

    /// <summary>Deletes every key of <paramref name="range"/> in one entry.</summary>
    public static KvCommand DeleteRange(KvKeyRange range) => new() { DeleteRange = new DeleteRange { Range = range.ToWire() } };

    public static KvCommand Txn(Txn txn) => new() { Txn = txn };

    public static Put PutOp(string key, string value, long? expectedVersion = null, string? sessionId = null)
    {
        var put = new Put { Key = key, Value = value, SessionId = sessionId ?? "" };
        if (expectedVersion is { } v) put.ExpectedVersion = v;
        return put;
    }

    public static TxnOp TxnPut(string key, string value, string? sessionId = null) => new() { Put = PutOp(key, value, null, sessionId) };

    public static TxnOp TxnDelete(string key) => new() { Delete = new Delete { Key = key } };

    public static TxnOp TxnDeleteRange(KvKeyRange range) => new() { DeleteRange = new DeleteRange { Range = range.ToWire() } };

    public static TxnOp TxnGet(string key) => new() { Get = new Get { Key = key } };

    public static Compare CompareVersion(string key, long version, CompareOp op = CompareOp.Equal) => new() { Key = key, Op = op, Version = version };

    public static Compare CompareCreateVersion(string key, long version, CompareOp op = CompareOp.Equal) => new() { Key = key, Op = op, CreateVersion = version };

    public static Compare CompareValue(string key, string value, CompareOp op = CompareOp.Equal) => new() { Key = key, Op = op, Value = value };

    public static Compare CompareExists(string key, bool exists, CompareOp op = CompareOp.Equal) => new() { Key = key, Op = op, Exists = exists };

    /// <summary>A transaction from its parts (any may be null: empty).</summary>
    public static Txn MakeTxn(IEnumerable<Compare>? compare, IEnumerable<TxnOp>? success, IEnumerable<TxnOp>? failure = null)
    {
        var txn = new Txn();
        if (compare is not null) txn.Compare.AddRange(compare);
        if (success is not null) txn.Success.AddRange(success);
        if (failure is not null) txn.Failure.AddRange(failure);
        return txn;
    }

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
