using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Liaison.Server.Auth;

/// <summary>
/// A personal API token. Only its SHA-256 is stored: a token is 256 random bits, so a fast hash is
/// enough (no password stretching needed) and lets every request be checked with one indexed lookup.
/// </summary>
public sealed class ApiToken
{
    public const string Prefix = "lia_";

    private ApiToken() { Name = ""; Hash = ""; }

    private ApiToken(long memberId, string name, string hash, Instant createdAt)
    {
        MemberId = memberId;
        Name = name;
        Hash = hash;
        CreatedAt = createdAt;
    }

    public long Id { get; private set; }
    public long MemberId { get; private set; }
    public string Name { get; private set; }
    public string Hash { get; private set; }
    public Instant CreatedAt { get; private set; }
    public Instant? LastUsedAt { get; set; }
    public Instant? RevokedAt { get; private set; }

    /// <summary>Creates a token; the plain value is returned once and never stored.</summary>
    public static (ApiToken Token, string PlainValue) Issue(long memberId, string name, Instant at)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 100)
            throw new Core.DomainRuleException("token.name.required", "A token needs a name of 1 to 100 characters.", "name");
        var plain = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new ApiToken(memberId, trimmed, HashOf(plain), at), plain);
    }

    public void Revoke(Instant at) => RevokedAt ??= at;

    public static string HashOf(string plain) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plain)));
}
