using System.Text.Json;
using Liaison.Core.Agreements;
using Liaison.Core.Promises;
using Liaison.Core.Workspaces;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Promises;

/// <summary>The owner's list of urgency markers for one language; a language without a row keeps <see cref="UrgencyMarkers.Defaults"/>.</summary>
public sealed class UrgencyMarkerListRecord
{
    private UrgencyMarkerListRecord() { Language = ""; MarkersJson = "[]"; }

    public UrgencyMarkerListRecord(long workspaceId, string language)
    {
        WorkspaceId = workspaceId;
        Language = language;
        MarkersJson = "[]";
    }

    public long Id { get; private set; }
    public long WorkspaceId { get; private set; }
    public string Language { get; private set; }
    /// <summary>The markers as a JSON array of strings, in the owner's order.</summary>
    public string MarkersJson { get; private set; }
    public Instant UpdatedAt { get; private set; }

    public IReadOnlyList<string> Markers => JsonSerializer.Deserialize<List<string>>(MarkersJson) ?? [];

    public void Replace(IReadOnlyList<string> markers, Instant at)
    {
        MarkersJson = JsonSerializer.Serialize(markers);
        UpdatedAt = at;
    }
}

internal sealed class UrgencyMarkerListMapping : IEntityTypeConfiguration<UrgencyMarkerListRecord>
{
    public void Configure(EntityTypeBuilder<UrgencyMarkerListRecord> e)
    {
        e.ToTable("urgency_markers");
        e.Property(r => r.Language).HasMaxLength(8);
        e.HasOne<Workspace>().WithMany().HasForeignKey(r => r.WorkspaceId);
        e.HasIndex(r => new { r.WorkspaceId, r.Language }).IsUnique();
        e.Ignore(r => r.Markers);
    }
}

/// <summary>The workspace's urgency markers per language: read for every promise, edited by the owner.</summary>
public static class UrgencyMarkerLists
{
    /// <summary>One language's list and whether the owner edited it (false: the defaults).</summary>
    public sealed record LanguageMarkers(string Language, bool Edited, IReadOnlyList<string> Markers);

    public sealed record Edit(IReadOnlyDictionary<string, IReadOnlyList<string?>?>? Languages);

    public static async Task<UrgencyMarkers> ForWorkspaceAsync(LiaisonDb db, long workspaceId, CancellationToken ct)
    {
        var rows = await db.Set<UrgencyMarkerListRecord>().AsNoTracking().Where(r => r.WorkspaceId == workspaceId).ToListAsync(ct);
        return rows.Count == 0 ? UrgencyMarkers.Default : new UrgencyMarkers(rows.ToDictionary(r => r.Language, r => r.Markers));
    }

    public static async Task<List<LanguageMarkers>> ListAsync(LiaisonDb db, long workspaceId, CancellationToken ct)
    {
        var rows = await db.Set<UrgencyMarkerListRecord>().AsNoTracking().Where(r => r.WorkspaceId == workspaceId).ToDictionaryAsync(r => r.Language, ct);
        return Agreement.Languages.Select(l => rows.TryGetValue(l, out var row)
            ? new LanguageMarkers(l, true, row.Markers)
            : new LanguageMarkers(l, false, UrgencyMarkers.Defaults[l])).ToList();
    }

    /// <summary>Replaces the lists of the languages named (an empty list: no markers in that language); the others stay.</summary>
    public static async Task<List<LanguageMarkers>> SaveAsync(LiaisonDb db, long workspaceId, Edit edit, Instant now, CancellationToken ct)
    {
        if (edit.Languages is null || edit.Languages.Count == 0)
            throw new Core.DomainRuleException("urgencyMarkers.required", "Send the markers of at least one language: {\"languages\":{\"pl\":[\"pilne\"]}}.", "languages");
        var cleaned = new Dictionary<string, List<string>>();
        foreach (var (language, markers) in edit.Languages)
        {
            if (!Agreement.Languages.Contains(language))
                throw new Core.DomainRuleException("urgencyMarkers.language", $"'{language}' is not one of the languages: {string.Join(", ", Agreement.Languages)}.", $"languages.{language}");
            cleaned[language] = UrgencyMarkers.Clean(markers, $"languages.{language}");
        }
        var rows = await db.Set<UrgencyMarkerListRecord>().Where(r => r.WorkspaceId == workspaceId).ToDictionaryAsync(r => r.Language, ct);
        foreach (var (language, markers) in cleaned)
        {
            if (!rows.TryGetValue(language, out var row)) db.Add(row = new UrgencyMarkerListRecord(workspaceId, language));
            row.Replace(markers, now);
        }
        await db.SaveChangesAsync(ct);
        return await ListAsync(db, workspaceId, ct);
    }
}
