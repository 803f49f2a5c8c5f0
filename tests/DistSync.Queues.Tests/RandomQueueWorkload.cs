using DistSync.Queues.Wire;
using Google.Protobuf;

namespace DistSync.Queues.Tests;

/// <summary>
/// A seeded stream of partition commands: produces with repeated ids, fences and a few keys and priorities;
/// consumes of both sub-queues under a few sessions; acks and nacks of live, stale and made-up receipts; session
/// releases, expiries, snapshot round trips, garbage and out-of-bounds input. Deterministic for a seed and the
/// results fed back through <see cref="Observe"/>.
/// </summary>
internal sealed class RandomQueueWorkload(int seed)
{
    private static readonly string[] Keys = ["", "a", "b", "c"];
    private readonly Random _random = new(seed);
    private readonly List<string> _ids = [];
    private readonly List<Receipt> _receipts = [];
    private long _highestToken = 1;

    /// <summary>Options small enough that every limit and window is reached within a few hundred entries.</summary>
    public static QueueOptions Options { get; } = new()
    {
        DedupeWindowMs = 2_000,
        MaxDeliveries = 3,
        MaxPayloadBytes = 64,
        MaxConsumeBytes = 100,
        MaxConsumeBatch = 8,
        MaxVisibilityMs = 5_000,
        MaxDelayMs = 3_000,
        MaxReceipts = 4,
        MaxIdLength = 8,
    };

    /// <summary>The next step: how far to move the log clock, then the entry bytes, or null for "snapshot and restore".</summary>
    public (long AdvanceMs, byte[]? Data) Next(QueuePartitionStateMachine machine)
    {
        // Times in steps of 50 ms, so deadlines, delays and the dedupe window often end exactly at an entry's time.
        var advance = 50L * (_random.Next(10) != 0 ? _random.Next(0, 3) : _random.Next(0, 60));
        var roll = _random.Next(100);
        return roll switch
        {
            < 32 => (advance, QueueCommands.Encode(Produce())),
            < 56 => (advance, QueueCommands.Encode(Consume())),
            < 71 => (advance, QueueCommands.Encode(QueueCommands.Ack(PickReceipts()))),
            < 81 => (advance, QueueCommands.Encode(QueueCommands.Nack(PickReceipts(), _random.Next(2) == 0 ? 0 : _random.Next(40) == 0 ? -1 : 50 * _random.Next(0, 64)))),
            < 85 => (advance, QueueCommands.Encode(QueueCommands.ReleaseSession((ulong)_random.Next(0, 4)))),
            < 91 => (machine.NextDeadlineMs is { } due ? Math.Max(0, due - machine.LastLogTimeMs) : advance, QueueCommands.Encode(QueueCommands.Expire())),
            < 95 => (advance, null),
            < 97 => (advance, Garbage()),
            _ => (advance, new QueueCommand().ToByteArray()),
        };
    }

    /// <summary>Feeds back an entry's result, so later commands can name its ids and receipts.</summary>
    public void Observe(QueueResult result)
    {
        if (result.ResultCase == QueueResult.ResultOneofCase.Consumed)
        {
            foreach (var m in result.Consumed.Messages)
            {
                _receipts.Add(QueueCommands.Receipt(m.Seq, m.LeaseId));
            }
        }

        if (_receipts.Count > 64)
        {
            _receipts.RemoveRange(0, 32); // keep some stale ones, but mostly recent ones
        }
    }

    private QueueCommand Produce()
    {
        string id;
        var idRoll = _random.Next(100);
        if (idRoll < 15 && _ids.Count > 0)
        {
            id = _ids[Math.Max(0, _ids.Count - 1 - _random.Next(10))];
        }
        else if (idRoll < 17)
        {
            id = _random.Next(2) == 0 ? "" : "too-long-id";
        }
        else
        {
            id = "m" + _ids.Count;
            _ids.Add(id);
        }

        var priority = _random.Next(100) switch
        {
            < 40 => 0,
            < 60 => 5,
            < 75 => 9,
            < 98 => _random.Next(0, 10),
            _ => _random.Next(2) == 0 ? -1 : 10,
        };
        var payload = new byte[_random.Next(30) == 0 ? _random.Next(60, 70) : _random.Next(0, 40)];
        _random.NextBytes(payload);
        string? fence = null;
        long token = 0;
        if (_random.Next(5) == 0)
        {
            fence = _random.Next(20) == 0 ? "" : "f" + _random.Next(2);
            token = _random.Next(4) switch
            {
                0 => _highestToken - _random.Next(1, 5),
                1 => _highestToken,
                _ => _highestToken += _random.Next(1, 4),
            };
        }

        return QueueCommands.Produce(id, payload, priority, Keys[_random.Next(Keys.Length)], fence, token);
    }

    private QueueCommand Consume()
    {
        var max = _random.Next(50) == 0 ? (_random.Next(2) == 0 ? 0 : 9) : _random.Next(1, 6);
        var visibility = _random.Next(50) == 0 ? 0 : 50 * _random.Next(1, 50);
        return QueueCommands.Consume(max, visibility, (ulong)_random.Next(0, 4), _random.Next(4) == 0);
    }

    private List<Receipt> PickReceipts()
    {
        var receipts = new List<Receipt>();
        var count = _random.Next(20) == 0 ? 5 : _random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            if (_receipts.Count == 0 || _random.Next(15) == 0)
            {
                receipts.Add(QueueCommands.Receipt(_random.Next(0, 500), _random.Next(0, 500)));
            }
            else
            {
                // Mostly the newest receipts: those are the ones still live.
                var pick = _random.Next(3) == 0 ? _random.Next(_receipts.Count) : Math.Max(0, _receipts.Count - 1 - _random.Next(6));
                receipts.Add(_receipts[pick]);
            }
        }

        return receipts;
    }

    private byte[] Garbage()
    {
        var bytes = new byte[_random.Next(1, 12)];
        _random.NextBytes(bytes);
        return bytes;
    }
}
