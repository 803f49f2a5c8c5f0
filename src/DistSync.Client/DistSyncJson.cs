using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistSync.Client;

/// <summary>The JSON settings of the HTTP API: camelCase, as API.md fixes them; shared by client and server.</summary>
public static class DistSyncJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
