using System.Buffers.Binary;
using NodaTime;

namespace Liaison.Core.Timeline;

/// <summary>What a timeline item is. The numeric value breaks ties between items of the same instant.</summary>
public enum TimelineItemKind
{
    Note = 0,
    Message = 1,
}

/// <summary>
/// A position in a client's timeline. The timeline is ordered newest first by
/// (<see cref="At"/>, <see cref="Kind"/>, <see cref="Id"/>) descending, a total order, so a page
/// "before" a cursor is a keyset seek: no OFFSET, and an item added meanwhile never shifts a page.
/// </summary>
public readonly record struct TimelineCursor(Instant At, TimelineItemKind Kind, long Id)
{
    /// <summary>True when an item sorts strictly after this cursor in newest-first order (is older).</summary>
    public bool IsBefore(Instant at, TimelineItemKind kind, long id) =>
        at < At || (at == At && (kind < Kind || (kind == Kind && id < Id)));

    /// <summary>An opaque URL-safe token: 8 bytes of ticks, 1 of kind, 8 of id.</summary>
    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[17];
        BinaryPrimitives.WriteInt64BigEndian(bytes, At.ToUnixTimeTicks());
        bytes[8] = (byte)Kind;
        BinaryPrimitives.WriteInt64BigEndian(bytes[9..], Id);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <exception cref="DomainRuleException">the token was not made by <see cref="Encode"/>; Field is "before".</exception>
    public static TimelineCursor Decode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var bytes = Convert.FromBase64String(base64);
            if (bytes.Length != 17 || bytes[8] > 1) throw new FormatException();
            return new TimelineCursor(
                Instant.FromUnixTimeTicks(BinaryPrimitives.ReadInt64BigEndian(bytes)),
                (TimelineItemKind)bytes[8],
                BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(9)));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new DomainRuleException("timeline.cursor.invalid",
                "'before' is not a cursor this server gave out; use the nextCursor of the previous page.", "before");
        }
    }
}
