using Liaison.Core.Calendars;
using Liaison.Core.Workspaces;
using Liaison.Server.Features.Agreements;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Calendar;

/// <summary>
/// One stored version of a workspace's own calendar. Rows are never changed: an edit is a new row
/// with the next number, and (workspace, version) is unique so two concurrent saves cannot both win.
/// The calendar is one JSON document (the API's own shape), so a new calendar term needs no migration.
/// </summary>
public sealed class CalendarVersionRecord
{
    private CalendarVersionRecord() { Document = ""; }

    public CalendarVersionRecord(long workspaceId, OurCalendar version, Instant createdAt, long? createdByMemberId)
    {
        WorkspaceId = workspaceId;
        Version = version.Version;
        EffectiveFrom = version.EffectiveFrom;
        CreatedAt = createdAt;
        CreatedByMemberId = createdByMemberId;
        Document = AgreementJson.Serialize(version);
    }

    public long Id { get; private set; }
    public long WorkspaceId { get; private set; }
    public int Version { get; private set; }
    public Instant EffectiveFrom { get; private set; }
    public Instant CreatedAt { get; private set; }
    public long? CreatedByMemberId { get; private set; }
    /// <summary>The <see cref="OurCalendar"/> as JSON (text on both providers).</summary>
    public string Document { get; private set; }

    /// <summary>The stored calendar; the row's number and start win over the copy inside the JSON.</summary>
    public OurCalendar Read() => AgreementJson.Deserialize<OurCalendar>(Document) with { Version = Version, EffectiveFrom = EffectiveFrom };
}

internal sealed class CalendarVersionMapping : IEntityTypeConfiguration<CalendarVersionRecord>
{
    public void Configure(EntityTypeBuilder<CalendarVersionRecord> e)
    {
        e.ToTable("calendar_versions");
        e.HasOne<Workspace>().WithMany().HasForeignKey(v => v.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Member>().WithMany().HasForeignKey(v => v.CreatedByMemberId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(v => new { v.WorkspaceId, v.Version }).IsUnique();
        e.Property(v => v.Document).IsRequired();
    }
}
