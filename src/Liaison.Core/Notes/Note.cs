using Liaison.Core.Channels;
using NodaTime;

namespace Liaison.Core.Notes;

public enum NoteKind
{
    /// <summary>A phone or voice call.</summary>
    Call,
    /// <summary>A meeting in person or on video.</summary>
    Meeting,
    /// <summary>Text pasted from a channel Liaison doesn't connect (Viber, Skype, LinkedIn...).</summary>
    Fragment,
    /// <summary>Anything else worth remembering.</summary>
    Note,
}

/// <summary>
/// What the owner captures by hand into a client's timeline (seed 003: "a folder per client where I
/// can quickly drop everything, including copied parts of a conversation").
/// </summary>
public sealed class Note
{
    public const int MaxTextLength = 100_000;

    /// <summary>Where a note's exchange happened when the owner does not say: a call on the phone, a meeting in a meeting; a fragment's source must be said, "other" until it is.</summary>
    public static ChannelKind DefaultSource(NoteKind kind) => kind switch
    {
        NoteKind.Call => ChannelKind.Phone,
        NoteKind.Meeting => ChannelKind.Meeting,
        _ => ChannelKind.Other,
    };

    private Note() { Text = ""; }

    public Note(long clientId, NoteKind kind, ChannelKind source, string text, Instant occurredAt, Instant recordedAt, long? authorMemberId)
    {
        ClientId = clientId;
        Kind = kind;
        Source = source;
        Text = RequireText(text);
        OccurredAt = occurredAt;
        RecordedAt = recordedAt;
        AuthorMemberId = authorMemberId;
    }

    public long Id { get; private set; }
    public long ClientId { get; private set; }
    public NoteKind Kind { get; private set; }
    /// <summary>The channel it happened on or was copied from: phone for a call, viber for a pasted chat.</summary>
    public ChannelKind Source { get; private set; }
    public string Text { get; private set; }
    /// <summary>When the call took place or the fragment was written: the timeline's order.</summary>
    public Instant OccurredAt { get; private set; }
    public Instant RecordedAt { get; private set; }
    public long? AuthorMemberId { get; private set; }

    /// <summary>Changes the text and when it happened; returns the earlier version to keep, or null when nothing changed.</summary>
    public NoteRevision? Edit(string text, Instant occurredAt, Instant now, long? memberId)
    {
        var checkedText = RequireText(text);
        if (checkedText == Text && occurredAt == OccurredAt) return null;
        var before = new NoteRevision(this, now, memberId);
        Text = checkedText;
        OccurredAt = occurredAt;
        EditedAt = now;
        return before;
    }

    /// <summary>When the note was last edited; null while it reads as first written.</summary>
    public Instant? EditedAt { get; private set; }

    private static string RequireText(string? text)
    {
        var trimmed = Liaison.Core.Text.TextSafety.RefuseNul(text, "text")?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new DomainRuleException("note.text.required", "A note needs some text.", "text");
        if (trimmed.Length > MaxTextLength)
            throw new DomainRuleException("note.text.too-long", $"A note is at most {MaxTextLength} characters.", "text");
        return trimmed;
    }
}
