using System.Text;
using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Encryption;

/// <summary>The encrypted plugins on a real redis-server, plus: Redis itself holds no plaintext of an event or snapshot.</summary>
public sealed class RedisEncryptedPluginSpec(RedisServerFixture server, ITestOutputHelper output)
    : EncryptedPluginSpec("redis", server, output), IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Redis_holds_no_plaintext_of_a_persisted_event_or_snapshot()
    {
        var actor = Start("redis-plain");
        Append(actor, Marker);
        TakeSnapshot(actor);
        Stop(actor);

        var values = await StoredRecordTampering.RawRedisValuesAsync(Backend);
        Assert.Contains(values, v => Encoding.UTF8.GetString(v).Contains("redis-plain", StringComparison.Ordinal)); // the scan saw the actor's keys
        var marker = Encoding.UTF8.GetBytes("plaintext-marker");
        Assert.DoesNotContain(values, v => v.AsSpan().IndexOf(marker) >= 0);
    }
}
