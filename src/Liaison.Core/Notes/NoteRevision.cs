using NodaTime;

namespace Liaison.Core.Notes;

/// <summary>
/// A note as it read before an edit: an edit never loses what was written (issue 15: "an edit keeps
/// the earlier text in the note's history"), so a wrong correction can be seen and undone by hand.
/// </summary>
public sealed class NoteRevision
{
    private NoteRevision() { Text = ""; }

    public NoteRevision(Note note, Instant replacedAt, long? replacedByMemberId)
    {
        NoteId = note.Id;
        Text = note.Text;
        OccurredAt = note.OccurredAt;
        ReplacedAt = replacedAt;
        ReplacedByMemberId = replacedByMemberId;
    }

    public long Id { get; private set; }
    public long NoteId { get; private set; }
    /// <summary>The text before the edit.</summary>
    public string Text { get; private set; }
    /// <summary>When the note said it happened, before the edit.</summary>
    public Instant OccurredAt { get; private set; }
    /// <summary>When the edit replaced this text.</summary>
    public Instant ReplacedAt { get; private set; }
    public long? ReplacedByMemberId { get; private set; }
}
