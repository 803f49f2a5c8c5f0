namespace DistSync.Linearizability.Models;

/// <summary>
/// A mutable copy of a <see cref="KvStoreState"/> that one step of <see cref="KvTxnModel"/> works on: it checks
/// reported answers against the keys (pinning unknown versions as it goes) and applies writes, then freezes.
/// </summary>
internal sealed class KvStoreDraft
{
    private readonly Dictionary<string, KvEntryState> _entries;

    public KvStoreDraft(KvStoreState state)
    {
        _entries = new Dictionary<string, KvEntryState>(state.Keys.Count + 2, StringComparer.Ordinal);
        var entries = state.Entries;
        for (var i = 0; i < entries.Length; i++)
        {
            _entries.Add(state.Keys[i], entries[i]);
        }

        Floor = state.Floor;
    }

    private KvStoreDraft(KvStoreDraft other)
    {
        _entries = new Dictionary<string, KvEntryState>(other._entries, StringComparer.Ordinal);
        Floor = other.Floor;
    }

    /// <summary>The smallest index the next entry may have.</summary>
    public long Floor { get; set; }

    public KvEntryState this[string key]
    {
        get => _entries.TryGetValue(key, out var e) ? e : KvEntryState.Absent;
        set
        {
            // Absent keys are left out, so equal stores freeze to equal states.
            if (value.Presence == KvPresence.Absent)
            {
                _entries.Remove(key);
            }
            else
            {
                _entries[key] = value;
            }
        }
    }

    public KvStoreDraft Clone() => new(this);

    public KvStoreState Freeze()
    {
        var keys = new string[_entries.Count];
        _entries.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        var entries = new KvEntryState[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            entries[i] = _entries[keys[i]];
        }

        return new KvStoreState(keys, entries, Floor);
    }

    /// <summary>True when both drafts hold the same keys (floors aside).</summary>
    public bool SameKeys(KvStoreDraft other) =>
        _entries.Count == other._entries.Count && _entries.All(p => other._entries.TryGetValue(p.Key, out var e) && e == p.Value);

    /// <summary>Every key whose state differs between the two drafts becomes unknown here (either may be true).</summary>
    public void JoinWith(KvStoreDraft other)
    {
        foreach (var key in _entries.Keys.Union(other._entries.Keys, StringComparer.Ordinal).ToList())
        {
            var (a, b) = (this[key], other[key]);
            if (a != b)
            {
                // Whichever it is, its versions are at least the smaller of the two lower bounds.
                this[key] = KvEntryState.Unknown with
                {
                    VersionFloor = Math.Min(LowestVersion(a), LowestVersion(b)),
                    CreateFloor = Math.Min(LowestCreate(a), LowestCreate(b)),
                };
            }
        }

        Floor = Math.Max(Floor, other.Floor);
    }

    /// <summary>The present or unknown keys in <paramref name="range"/>, sorted (the limit is not applied).</summary>
    public List<string> KeysIn(KvRange range)
    {
        var keys = _entries.Keys.Where(range.Contains).ToList();
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Whether the compare holds; null when it depends on what is not known.</summary>
    public bool? Evaluate(KvCompare compare)
    {
        var e = this[compare.Key];
        if (e.Presence == KvPresence.Unknown)
        {
            return null;
        }

        var present = e.Presence == KvPresence.Present;
        switch (compare.Target)
        {
            case KvCompareTarget.Exists:
                return compare.Op == KvCompareOp.Equal ? present == compare.Flag : present != compare.Flag;
            case KvCompareTarget.Value:
                return present && Holds(string.CompareOrdinal(e.Value, compare.Text), compare.Op);
            case KvCompareTarget.Version:
                return !present ? Holds(0L.CompareTo(compare.Number), compare.Op)
                    : e.Version != 0 ? Holds(e.Version.CompareTo(compare.Number), compare.Op)
                    : AtLeast(e.VersionFloor, compare.Op, compare.Number);
            default:
                var (create, floor) = CreateOf(e);
                return !present ? Holds(0L.CompareTo(compare.Number), compare.Op)
                    : create != 0 ? Holds(create.CompareTo(compare.Number), compare.Op)
                    : AtLeast(floor, compare.Op, compare.Number);
        }
    }

    /// <summary>Learns from a compare that held although <see cref="Evaluate"/> could not tell; false on a contradiction.</summary>
    public bool Narrow(KvCompare compare)
    {
        var e = this[compare.Key];
        switch (compare.Target, compare.Op)
        {
            case (KvCompareTarget.Exists, _) when (compare.Op == KvCompareOp.Equal) != compare.Flag:
                this[compare.Key] = KvEntryState.Absent;
                return true;
            case (KvCompareTarget.Version, KvCompareOp.Equal) when e.Presence == KvPresence.Present:
                return Pin(compare.Key, compare.Number, 0);
            case (KvCompareTarget.CreateVersion, KvCompareOp.Equal) when e.Presence == KvPresence.Present:
                return Pin(compare.Key, 0, compare.Number);
            default:
                return true;
        }
    }

    /// <summary>Checks a read that found the key; 0 versions are unreported. Pins what was unknown.</summary>
    public bool CheckFound(string key, string value, long version, long createVersion)
    {
        var e = this[key];
        if (e.Presence == KvPresence.Absent)
        {
            return false;
        }

        if (e.Presence == KvPresence.Unknown)
        {
            if ((version != 0 && (createVersion > version || version < e.VersionFloor)) || (createVersion != 0 && createVersion < e.CreateFloor))
            {
                return false;
            }

            var relation = createVersion == 0 || version == 0 ? KvCreateRelation.Unknown
                : createVersion == version ? KvCreateRelation.SameAsVersion : KvCreateRelation.Earlier;
            this[key] = new KvEntryState(KvPresence.Present, value, version, version == 0 ? 1 : 0, createVersion, createVersion == 0 ? 1 : 0, relation);
            Floor = Math.Max(Floor, Math.Max(version, createVersion) + 1);
            return true;
        }

        return string.Equals(e.Value, value, StringComparison.Ordinal) && Pin(key, version, createVersion);
    }

    /// <summary>Checks a read that did not find the key.</summary>
    public bool CheckMissing(string key)
    {
        var e = this[key];
        if (e.Presence == KvPresence.Unknown)
        {
            this[key] = KvEntryState.Absent;
        }

        return e.Presence != KvPresence.Present;
    }

    /// <summary>Writes the key at <paramref name="version"/>; 0 means unknown, at least <paramref name="unknownFloor"/>.</summary>
    public void Put(string key, string value, long version, long unknownFloor)
    {
        var prev = this[key];
        var floor = version == 0 ? unknownFloor : 0;

        // A second put of one transaction: an unknown version's floor only grows between entries, so equal floors mean this entry.
        var sameEntry = prev.Presence == KvPresence.Present && prev.Version == version && prev.VersionFloor == floor;
        this[key] = prev.Presence switch
        {
            KvPresence.Absent => new KvEntryState(KvPresence.Present, value, version, floor, version, floor, KvCreateRelation.SameAsVersion),
            KvPresence.Present when sameEntry => prev with { Value = value },
            KvPresence.Present when prev.Create == KvCreateRelation.SameAsVersion =>
                new KvEntryState(KvPresence.Present, value, version, floor, prev.Version, prev.VersionFloor, KvCreateRelation.Earlier),
            KvPresence.Present => new KvEntryState(KvPresence.Present, value, version, floor, prev.CreateVersion, prev.CreateFloor, KvCreateRelation.Earlier),
            _ => new KvEntryState(KvPresence.Present, value, version, floor, 0, Math.Max(1, prev.CreateFloor), KvCreateRelation.Unknown),
        };
    }

    /// <summary>Deletes the key; whether it existed (null: unknown).</summary>
    public bool? Delete(string key)
    {
        var prev = this[key];
        this[key] = KvEntryState.Absent;
        return prev.Presence switch
        {
            KvPresence.Present => true,
            KvPresence.Absent => false,
            _ => null,
        };
    }

    /// <summary>Deletes the keys of the range; the fewest and most keys that can have been deleted.</summary>
    public (long Min, long Max) DeleteRange(KvRange range)
    {
        long min = 0, max = 0;
        foreach (var key in KeysIn(range))
        {
            var existed = Delete(key);
            min += existed == true ? 1 : 0;
            max++;
        }

        return (min, max);
    }

    /// <summary>Checks a range answer (docs/KV.md "Range"), pinning the unknown keys it shows or skips.</summary>
    public bool CheckRange(KvRange range, KvRangeResult result)
    {
        var kvs = result.Kvs;
        if (range.Limit > 0 && kvs.Count > range.Limit)
        {
            return false;
        }

        var full = range.Limit > 0 && kvs.Count == range.Limit;
        var next = 0;
        var beyondPresent = false;
        var beyondUnknown = new List<string>();
        foreach (var key in KeysIn(range))
        {
            var e = this[key];
            if (next == kvs.Count)
            {
                // Past the page (or past the end): these keys decide "more".
                if (e.Presence == KvPresence.Present)
                {
                    beyondPresent = true;
                }
                else
                {
                    beyondUnknown.Add(key);
                }

                continue;
            }

            var item = kvs[next];
            if (string.Equals(item.Key, key, StringComparison.Ordinal))
            {
                if (!CheckFound(key, item.Value, item.Version, item.CreateVersion))
                {
                    return false;
                }

                next++;
            }
            else if (e.Presence == KvPresence.Present)
            {
                return false; // an existing key is missing from the answer, or the answer is out of order
            }
            else
            {
                this[key] = KvEntryState.Absent;
            }
        }

        if (next != kvs.Count)
        {
            return false; // the answer shows a key that does not exist (or is not in the range)
        }

        if (!full)
        {
            if (result.More || beyondPresent)
            {
                return false;
            }
        }
        else if (!result.More && beyondPresent)
        {
            return false;
        }

        if (!result.More)
        {
            foreach (var key in beyondUnknown)
            {
                this[key] = KvEntryState.Absent;
            }
        }

        return result.More == false || beyondPresent || beyondUnknown.Count > 0;
    }

    private bool Pin(string key, long version, long createVersion)
    {
        var e = this[key];
        if (e.Create == KvCreateRelation.SameAsVersion && (version == 0 || createVersion == 0))
        {
            version = version == 0 ? createVersion : version;
            createVersion = version;
        }

        if (version != 0 && e.Version != version)
        {
            if (e.Version != 0 || version < e.VersionFloor)
            {
                return false;
            }

            e = e with { Version = version, VersionFloor = 0 };
            Floor = Math.Max(Floor, version + 1);
        }

        if (e.Create == KvCreateRelation.SameAsVersion)
        {
            if (createVersion != 0 && createVersion != e.Version)
            {
                return false;
            }

            e = e with { CreateVersion = e.Version, CreateFloor = e.VersionFloor };
        }
        else if (createVersion != 0 && e.CreateVersion != createVersion)
        {
            if (e.CreateVersion != 0 || createVersion < e.CreateFloor)
            {
                return false;
            }

            e = e with { CreateVersion = createVersion, CreateFloor = 0 };
            Floor = Math.Max(Floor, createVersion + 1);
        }

        if (e.Version != 0 && e.CreateVersion != 0 &&
            (e.Create == KvCreateRelation.Earlier ? e.CreateVersion >= e.Version : e.CreateVersion > e.Version))
        {
            return false;
        }

        this[key] = e;
        return true;
    }

    private static long LowestVersion(KvEntryState e) => e.Presence switch
    {
        KvPresence.Absent => long.MaxValue,
        KvPresence.Present when e.Version != 0 => e.Version,
        _ => Math.Max(1, e.VersionFloor),
    };

    private static long LowestCreate(KvEntryState e)
    {
        if (e.Presence != KvPresence.Present)
        {
            return e.Presence == KvPresence.Absent ? long.MaxValue : Math.Max(1, e.CreateFloor);
        }

        var (create, floor) = CreateOf(e);
        return create != 0 ? create : Math.Max(1, floor);
    }

    private static (long Create, long Floor) CreateOf(KvEntryState e) =>
        e.Create == KvCreateRelation.SameAsVersion ? (e.Version, e.VersionFloor) : (e.CreateVersion, e.CreateFloor);

    private static bool Holds(int comparison, KvCompareOp op) => op switch
    {
        KvCompareOp.Equal => comparison == 0,
        KvCompareOp.NotEqual => comparison != 0,
        KvCompareOp.Less => comparison < 0,
        _ => comparison > 0,
    };

    /// <summary>The compare of a number known only to be at least <paramref name="floor"/>; null when that does not decide it.</summary>
    private static bool? AtLeast(long floor, KvCompareOp op, long target) => op switch
    {
        KvCompareOp.Equal => target < floor ? false : null,
        KvCompareOp.NotEqual => target < floor ? true : null,
        KvCompareOp.Less => target <= floor ? false : null,
        _ => floor > target ? true : null,
    };
}
