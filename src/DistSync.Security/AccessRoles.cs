namespace DistSync.Security;

/// <summary>The text form of <see cref="AccessRole"/> carried in a token's <c>role</c> claim.</summary>
public static class AccessRoles
{
    public static string Name(AccessRole role) => role switch
    {
        AccessRole.Reader => "reader",
        AccessRole.Writer => "writer",
        AccessRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    /// <summary>Parses <c>reader</c>, <c>writer</c> or <c>admin</c> (exactly, lower case: a claim is not guessed at).</summary>
    public static bool TryParse(string? text, out AccessRole role)
    {
        role = text switch
        {
            "reader" => AccessRole.Reader,
            "writer" => AccessRole.Writer,
            "admin" => AccessRole.Admin,
            _ => 0,
        };
        return role != 0;
    }
}
