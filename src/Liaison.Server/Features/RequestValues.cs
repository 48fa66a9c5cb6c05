using System.Security.Claims;
using Liaison.Core;
using Liaison.Core.Channels;
using NodaTime;
using NodaTime.Text;

namespace Liaison.Server.Features;

/// <summary>
/// Reads loosely typed request values (channel kinds, enum names, instants) so that a bad value
/// becomes a problem naming the field, rather than a JSON error that names nothing.
/// </summary>
public static class RequestValues
{
    public const string MemberClaim = "liaison:member";

    /// <summary>The workspace the signed-in member (or the API token's member) belongs to; see <see cref="WorkspaceId"/>.</summary>
    public const string WorkspaceClaim = "liaison:workspace";

    public static ChannelKind Kind(string? text, string field) =>
        ChannelKind.TryParse(text, out var kind)
            ? kind
            : throw new DomainRuleException("channel.kind.invalid", $"'{text}' is not a channel kind (email, phone, telegram, whatsapp, viber, messenger, meeting, other).", field);

    public static TEnum Enum<TEnum>(string? text, string field) where TEnum : struct, Enum =>
        System.Enum.TryParse<TEnum>(text?.Trim(), ignoreCase: true, out var value) && System.Enum.IsDefined(value)
            ? value
            : throw new DomainRuleException($"{field}.invalid", $"'{text}' is not one of: {string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}.", field);

    /// <summary>An ISO 8601 instant ("2026-11-23T10:15:00Z") or a local date-time with an offset ("2026-11-23T11:15:00+01:00").</summary>
    public static Instant Instant(string text, string field)
    {
        var parsed = InstantPattern.ExtendedIso.Parse(text.Trim());
        if (parsed.Success) return parsed.Value;
        var withOffset = OffsetDateTimePattern.ExtendedIso.Parse(text.Trim());
        if (withOffset.Success) return withOffset.Value.ToInstant();
        throw new DomainRuleException($"{field}.invalid", $"'{text}' is not an ISO 8601 instant such as 2026-11-23T10:15:00Z.", field);
    }

    public static long? MemberId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(MemberClaim), out var id) ? id : null;

    /// <summary>
    /// Which workspace this request works in: the one its member belongs to, put into the principal at
    /// sign-in (<see cref="Auth.MemberClaims"/>) or by the API token (<see cref="Auth.ApiTokenAuthentication"/>).
    /// Work without a member (a delivery from a channel) takes its channel's WorkspaceId instead.
    /// </summary>
    public static long WorkspaceId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(WorkspaceClaim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidOperationException("This principal is no member of a workspace: only a member's sign-in or API token carries one.");

    public static int Limit(int? limit, int fallback, int max) =>
        limit is null ? fallback : limit is < 1 || limit > max
            ? throw new DomainRuleException("limit.out-of-range", $"limit is between 1 and {max}.", "limit")
            : limit.Value;

    /// <summary>Comma-separated ids ("3,7,12"), at least one and at most <paramref name="max"/>.</summary>
    public static IReadOnlyList<long> Ids(string? text, string field, int max)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new DomainRuleException($"{field}.required", $"Name the ids in '{field}', separated by commas.", field);
        if (parts.Length > max) throw new DomainRuleException($"{field}.too-many", $"At most {max} ids in '{field}'.", field);
        var ids = new List<long>(parts.Length);
        foreach (var part in parts)
        {
            if (!long.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                throw new DomainRuleException($"{field}.invalid", $"'{part}' in '{field}' is not an id.", field);
            ids.Add(id);
        }
        return ids.Distinct().ToList();
    }
}
