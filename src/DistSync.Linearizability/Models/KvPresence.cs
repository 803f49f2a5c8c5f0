namespace DistSync.Linearizability.Models;

/// <summary>Whether a key of <see cref="KvStoreState"/> exists.</summary>
public enum KvPresence
{
    Absent,
    Present,

    /// <summary>
    /// Not known: a timed-out transaction whose branch could not be decided may or may not have written the key.
    /// Anything read is accepted and pins it; a write replaces it.
    /// </summary>
    Unknown,
}
