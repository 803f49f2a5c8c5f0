using Google.Protobuf;
using System.Reflection;

namespace DistSync.Locks.Tests;

public sealed class LockMessageIdsSpec
{
    [Fact]
    public void Type_ids_are_pinned_so_they_only_ever_grow()
    {
        Assert.Equal(3000u, LockMessageIds.LockCommand);
        Assert.Equal(3001u, LockMessageIds.CreateSession);
        Assert.Equal(3002u, LockMessageIds.KeepAlive);
        Assert.Equal(3003u, LockMessageIds.DeleteSession);
        Assert.Equal(3004u, LockMessageIds.Acquire);
        Assert.Equal(3005u, LockMessageIds.Release);
        Assert.Equal(3006u, LockMessageIds.CancelWait);
        Assert.Equal(3007u, LockMessageIds.Expire);
        Assert.Equal(3008u, LockMessageIds.LockSnapshot);
        Assert.Equal(3009u, LockMessageIds.LockResult);
        Assert.Equal(3010u, LockMessageIds.SessionCreatedResult);
        Assert.Equal(3011u, LockMessageIds.SessionKeptAliveResult);
        Assert.Equal(3012u, LockMessageIds.SessionDeletedResult);
        Assert.Equal(3013u, LockMessageIds.LockGrantedResult);
        Assert.Equal(3014u, LockMessageIds.LockQueuedResult);
        Assert.Equal(3015u, LockMessageIds.LockReleasedResult);
        Assert.Equal(3016u, LockMessageIds.WaitCancelledResult);
        Assert.Equal(3017u, LockMessageIds.ExpiryAppliedResult);
        Assert.Equal(3018u, LockMessageIds.CommandFailedResult);
    }

    [Fact]
    public void Every_message_id_is_unique_and_inside_the_lock_block()
    {
        var ids = typeof(LockMessageIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name is not (nameof(LockMessageIds.First) or nameof(LockMessageIds.Last)))
            .Select(f => (uint)f.GetRawConstantValue()!)
            .ToList();

        Assert.Equal(19, ids.Count); // a new id needs a pin above
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, LockMessageIds.First, LockMessageIds.Last));
    }

    [Fact]
    public void Wire_field_numbers_and_enum_values_are_pinned()
    {
        Assert.Equal(1, Wire.LockCommand.CreateSessionFieldNumber);
        Assert.Equal(2, Wire.LockCommand.KeepAliveFieldNumber);
        Assert.Equal(3, Wire.LockCommand.DeleteSessionFieldNumber);
        Assert.Equal(4, Wire.LockCommand.AcquireFieldNumber);
        Assert.Equal(5, Wire.LockCommand.ReleaseFieldNumber);
        Assert.Equal(6, Wire.LockCommand.CancelWaitFieldNumber);
        Assert.Equal(7, Wire.LockCommand.ExpireFieldNumber);
        Assert.Equal(6, Wire.Acquire.WaitTokenFieldNumber);
        Assert.Equal(9, Wire.LockResult.FailedFieldNumber);
        Assert.Equal(6, (int)Wire.FailureReason.Invalid);
        Assert.Equal(1, (int)Wire.AcquireMode.Shared);
        Assert.Equal(2, (int)Wire.AcquireMode.Exclusive);
        Assert.Equal(
            "0a027221120273321802200a",
            Convert.ToHexString(LockCommands.Acquire("r!", "s2", LockMode.Exclusive, 10).Acquire.ToByteArray()).ToLowerInvariant());
    }
}
