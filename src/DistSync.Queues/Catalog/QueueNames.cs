namespace DistSync.Queues.Catalog;

/// <summary>What a queue name may be, and the dead-letter queue's name (<c>&lt;queue&gt;.dlq</c>, served by the same
/// partitions as its queue, so moving a message there is one entry of one Raft group).</summary>
public static class QueueNames
{
    public const int MaxLength = 200;
    public const string DeadLetterSuffix = ".dlq";

    /// <summary>Null when <paramref name="name"/> is a valid queue name, else the error naming the field.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "queue: required";
        if (name.Length > MaxLength) return $"queue: at most {MaxLength} characters";
        foreach (char c in name)
        {
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '-' or '_') continue;
            return "queue: only letters, digits, '.', '-' and '_'";
        }
        if (name.EndsWith(DeadLetterSuffix, StringComparison.Ordinal)) return $"queue: names ending in '{DeadLetterSuffix}' are dead-letter queues";
        return null;
    }

    /// <summary>Splits a name as a client uses it: <c>orders.dlq</c> is the dead-letter side of <c>orders</c>.</summary>
    public static (string Queue, bool DeadLetter) Parse(string name) =>
        name.EndsWith(DeadLetterSuffix, StringComparison.Ordinal) && name.Length > DeadLetterSuffix.Length
            ? (name[..^DeadLetterSuffix.Length], true)
            : (name, false);
}
