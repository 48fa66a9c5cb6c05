using Liaison.Core.Calendars;
using Liaison.Core.Workspaces;
using Liaison.Server.Features.Agreements;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Calendar;

/// <summary>
/// One stored version of a workspace's own calendar, or of one member's own where they work other
/// hours than the workspace (<see cref="MemberId"/>). Rows are never changed: an edit is a new row
/// with the next number, and (workspace, member, version) is unique so two concurrent saves cannot
/// both win.
/// The calendar is one JSON document (the API's own shape), so a new calendar term needs no migration.
/// </summary>
public sealed class CalendarVersionRecord
{
    private CalendarVersionRecord() { Document = ""; }

    /// <param name="memberId">the member whose own calendar this is; null for the workspace's.</param>
    public CalendarVersionRecord(long workspaceId, long? memberId, OurCalendar version, Instant createdAt, long? createdByMemberId)
    {
        WorkspaceId = workspaceId;
        MemberId = memberId;
        Scope = memberId ?? 0;
        Version = version.Version;
        EffectiveFrom = version.EffectiveFrom;
        CreatedAt = createdAt;
        CreatedByMemberId = createdByMemberId;
        Document = AgreementJson.Serialize(version);
    }

    public long Id { get; private set; }
    public long WorkspaceId { get; private set; }
    /// <summary>Whose calendar: a member's own, or null for the workspace's, which every member without their own follows.</summary>
    public long? MemberId { get; private set; }
    /// <summary><see cref="MemberId"/> or 0: the unique key of the version numbers (NULLs would never collide in a unique index).</summary>
    public long Scope { get; private set; }
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
        e.HasOne<Member>().WithMany().HasForeignKey(v => v.MemberId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(v => new { v.WorkspaceId, v.Scope, v.Version }).IsUnique();
        e.Property(v => v.Document).IsRequired();
    }
}
