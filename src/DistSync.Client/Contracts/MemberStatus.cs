using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistSync.Client.Contracts;

/// <summary>One member as a node sees it: its address, reachability and the failure detector's current phi.</summary>
/// <param name="NodeId">Null until the member has told its id (it was never reachable from here).</param>
/// <param name="Status"><c>up</c>, <c>unreachable</c>, <c>joining</c> or <c>leaving</c>.</param>
/// <param name="Phi">Suspicion level of the phi-accrual detector; 0 for the node itself; <see cref="double.MaxValue"/> for
/// a member silent so long that phi is infinite.</param>
/// <param name="Raft">Its part in the meta Raft group as this node knows it: <c>leader</c>, <c>voter</c>, <c>learner</c>, or null (not a member).
/// Mixes a role with a kind; <paramref name="Role"/> and <paramref name="Kind"/> say each alone.</param>
/// <param name="Role">Its Raft role as this node knows it: <c>leader</c>, <c>follower</c>; for this node itself its own role
/// (also <c>pre-candidate</c> or <c>candidate</c>); null when not a member.</param>
/// <param name="Kind">Its kind in the meta group's configuration: <c>voter</c>, <c>learner</c>, or null when not a member.</param>
public sealed record MemberStatus(string? NodeId, string Address, string Status, double Phi, string? Raft = null, string? Role = null, string? Kind = null)
{
    /// <summary>
    /// Fields a newer node sends that this contract does not name, kept so that a reader passing the answer on
    /// (<c>dsync status -o json</c>) does not drop them. Null when there are none.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
