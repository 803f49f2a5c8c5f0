using DistSync.Actors.Remote.Transport;

namespace DistSync.Actors.Tests.Remote;

public sealed class ReconnectBackoffSpec
{
    [Fact]
    public void Each_delay_lies_between_half_and_all_of_the_doubling_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(3));

        for (var attempt = 0; attempt < 12; attempt++)
        {
            var cap = Math.Min(100 * Math.Pow(2, attempt), 2000);
            var delay = backoff.Next(attempt).TotalMilliseconds;
            Assert.InRange(delay, cap / 2, cap);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_delays()
    {
        static IEnumerable<TimeSpan> Delays(int seed)
        {
            var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), new Random(seed));
            return Enumerable.Range(0, 10).Select(backoff.Next).ToList();
        }

        Assert.Equal(Delays(8), Delays(8));
        Assert.NotEqual(Delays(8), Delays(9));
    }

    [Fact]
    public void Min_above_max_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ReconnectBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), new Random(1)));
    }
}
