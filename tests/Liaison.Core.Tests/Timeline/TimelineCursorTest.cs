using Liaison.Core;
using Liaison.Core.Timeline;
using NodaTime;

namespace Liaison.Core.Tests.Timeline;

public class TimelineCursorTest
{
    [Fact]
    public void Encode_ThenDecode_GivesTheSameCursor()
    {
        var cursor = new TimelineCursor(Instant.FromUtc(2026, 11, 23, 9, 15, 30).PlusTicks(1234), TimelineItemKind.Note, 987654321);
        Assert.Equal(cursor, TimelineCursor.Decode(cursor.Encode()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor")]
    [InlineData("AAAA")]
    public void Decode_SomethingElse_IsRejectedNamingBefore(string token)
    {
        var error = Assert.Throws<DomainRuleException>(() => TimelineCursor.Decode(token));
        Assert.Equal("before", error.Field);
    }

    [Fact]
    public void IsBefore_AtOneInstant_MessagesComeBeforeNotesAndHigherIdsFirst()
    {
        var at = Instant.FromUtc(2026, 1, 1, 0, 0);
        var cursor = new TimelineCursor(at, TimelineItemKind.Message, 10);
        Assert.True(cursor.IsBefore(at, TimelineItemKind.Message, 9));
        Assert.False(cursor.IsBefore(at, TimelineItemKind.Message, 11));
        Assert.True(cursor.IsBefore(at, TimelineItemKind.Note, 1000));
        Assert.True(cursor.IsBefore(at - Duration.FromTicks(1), TimelineItemKind.Message, 1000));
    }
}
