namespace DistSync.Bench;

/// <summary>
/// The failures of one load phase, shared by its workers: how many of each kind, and the first message of each, so a
/// wrong answer is reported with its request and answer instead of only counted. Thread-safe.
/// </summary>
internal sealed class PhaseErrors
{
    private readonly Dictionary<string, (long Count, string First)> _kinds = new(StringComparer.Ordinal);

    /// <summary>Counts one failure of <paramref name="kind"/> (e.g. <c>wrong answer</c>, <c>HttpRequestException</c>).</summary>
    public void Add(string kind, string message)
    {
        lock (_kinds)
        {
            _kinds[kind] = _kinds.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.First) : (1, message);
        }
    }

    /// <summary>Counts <paramref name="e"/> by its kind: <see cref="InvalidDataException"/> is a wrong answer, anything else its type.</summary>
    public void Add(Exception e) => Add(e is InvalidDataException ? "wrong answer" : e.GetType().Name, e.Message);

    /// <summary>"kind: first message" of the first kind seen, or "no error".</summary>
    public string First()
    {
        lock (_kinds)
        {
            foreach (var (kind, (_, first)) in _kinds) return $"{kind}: {first}";
            return "no error";
        }
    }

    public long Count(string kind)
    {
        lock (_kinds) return _kinds.TryGetValue(kind, out var seen) ? seen.Count : 0;
    }

    /// <summary>One indented line per kind seen: count and first message; nothing when there were none.</summary>
    public void Print()
    {
        lock (_kinds)
        {
            foreach (var (kind, (count, first)) in _kinds) Console.WriteLine($"{"",8} {kind}: {count:N0}, first: {first}");
        }
    }
}
