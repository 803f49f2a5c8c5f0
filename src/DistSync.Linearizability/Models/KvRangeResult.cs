namespace DistSync.Linearizability.Models;

/// <summary>
/// The answer of a range read: the keys in order, whether more remain past the limit, and the store's revision
/// (its applied index) that the read saw; 0 when not reported.
/// </summary>
public sealed record KvRangeResult(IReadOnlyList<KvRangeItem> Kvs, bool More, long Revision = 0)
{
    public override string ToString() =>
        $"[{string.Join(", ", Kvs)}]{(More ? " more" : "")}{(Revision == 0 ? "" : $" rev {Revision}")}";
}
