using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DistSync.Security;

/// <summary>
/// Client access tokens: JWTs signed with the cluster key (HS256), with the subject, a <c>role</c> claim and an
/// optional <c>dsync_prefix</c> claim (the resource restriction), an expiry, and the cluster's issuer and audience.
/// </summary>
public static class ClientTokens
{
    public const string Issuer = "dsync";
    public const string Audience = "dsync-api";
    public const string RoleClaim = "role";
    public const string PrefixClaim = "dsync_prefix";

    /// <summary>A signed token for <paramref name="subject"/> with <paramref name="role"/>, valid for <paramref name="lifetime"/> from <paramref name="now"/>.</summary>
    public static string Issue(SymmetricSecurityKey key, string subject, AccessRole role, string? prefix, TimeSpan lifetime, DateTime now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        if (lifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "a token's lifetime must be positive");
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [RoleClaim] = AccessRoles.Name(role),
        };
        if (!string.IsNullOrEmpty(prefix)) claims[PrefixClaim] = prefix;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>What a node checks: the signature with the cluster key (HS256 only), issuer, audience, lifetime (with
    /// <paramref name="clockSkew"/>), and that the token has a subject.</summary>
    public static TokenValidationParameters ValidationParameters(SymmetricSecurityKey key, TimeSpan clockSkew) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = clockSkew,
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = RoleClaim,
    };

    /// <summary>The role and prefix a validated principal carries; false when its role claim is missing or unknown.</summary>
    public static bool TryReadGrant(ClaimsPrincipal principal, out AccessRole role, out string prefix)
    {
        prefix = principal.FindFirst(PrefixClaim)?.Value ?? "";
        return AccessRoles.TryParse(principal.FindFirst(RoleClaim)?.Value, out role);
    }
}
