using Liaison.Core.Acknowledgements;
using Liaison.Core.Agreements;
using Liaison.Core.Clients;
using Liaison.Core.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Agreements;

/// <summary>
/// What is stored for one version (or the workspace template): the agreement's terms and the
/// acknowledgement texts edited per language (a language without one uses
/// <see cref="AcknowledgementTemplate.Default"/>). Kept as one JSON document so a new term in Core
/// needs no migration.
/// </summary>
public sealed record AgreementDocument(Agreement Terms, IReadOnlyList<AcknowledgementTemplate>? Acknowledgements = null)
{
    /// <summary>The acknowledgement template for a language: the edited one, else the default.</summary>
    public AcknowledgementTemplate AcknowledgementFor(string language) =>
        Acknowledgements?.FirstOrDefault(a => a.Language == language) ?? AcknowledgementTemplate.Default(language, Terms.SpeakingAs);

    /// <summary>
    /// The document with only the acknowledgement texts the owner edited: a text equal to its
    /// language's default (as "I" or as "we") is not kept, so it follows the agreement's
    /// <see cref="Agreement.SpeakingAs"/> when that changes. Call after <see cref="Validate"/>.
    /// </summary>
    public AgreementDocument WithEditedTextsOnly() => Acknowledgements is null ? this : this with
    {
        Acknowledgements = Acknowledgements
            .Where(a => a != AcknowledgementTemplate.Default(a.Language, SpeakingAs.I) && a != AcknowledgementTemplate.Default(a.Language, SpeakingAs.We))
            .ToList(),
    };

    /// <summary>Checks the terms and every acknowledgement text; throws <see cref="AgreementRuleException"/> naming the field.</summary>
    public void Validate()
    {
        Terms.Validate();
        var seen = new HashSet<string>();
        foreach (var a in Acknowledgements ?? [])
        {
            a.Validate();
            if (!seen.Add(a.Language))
                throw new AgreementRuleException("acknowledgement.duplicate", $"There are two acknowledgement texts in '{a.Language}'.", $"acknowledgement.{a.Language}");
        }
    }
}

/// <summary>
/// One stored version of a client's agreement. Rows are never changed: a revision is a new row with
/// the next number, and (client, version) is unique so two concurrent saves cannot both win.
/// </summary>
public sealed class AgreementVersionRecord
{
    private AgreementVersionRecord() { Document = ""; }

    public AgreementVersionRecord(long clientId, Agreement version, IReadOnlyList<AcknowledgementTemplate>? acknowledgements, Instant createdAt, long? createdByMemberId)
    {
        ClientId = clientId;
        Version = version.Version;
        EffectiveFrom = version.EffectiveFrom;
        CreatedAt = createdAt;
        CreatedByMemberId = createdByMemberId;
        Document = AgreementJson.Serialize(new AgreementDocument(version, acknowledgements));
    }

    public long Id { get; private set; }
    public long ClientId { get; private set; }
    public int Version { get; private set; }
    public Instant EffectiveFrom { get; private set; }
    public Instant CreatedAt { get; private set; }
    public long? CreatedByMemberId { get; private set; }
    /// <summary>The <see cref="AgreementDocument"/> as JSON (text on both providers).</summary>
    public string Document { get; private set; }

    /// <summary>The stored document; the row's number and start win over the copy inside the JSON.</summary>
    public AgreementDocument Read()
    {
        var document = AgreementJson.Deserialize<AgreementDocument>(Document);
        return document with { Terms = document.Terms with { Version = Version, EffectiveFrom = EffectiveFrom } };
    }
}

/// <summary>The workspace's template for new agreements: one row per workspace.</summary>
public sealed class AgreementTemplateRecord
{
    private AgreementTemplateRecord() { Document = ""; }

    public AgreementTemplateRecord(long workspaceId) { WorkspaceId = workspaceId; Document = ""; }

    public long Id { get; private set; }
    public long WorkspaceId { get; private set; }
    public string Document { get; private set; }
    public Instant UpdatedAt { get; private set; }
    public long? UpdatedByMemberId { get; private set; }

    public AgreementDocument Read() => AgreementJson.Deserialize<AgreementDocument>(Document);

    public void Replace(AgreementDocument document, Instant at, long? memberId)
    {
        Document = AgreementJson.Serialize(document);
        UpdatedAt = at;
        UpdatedByMemberId = memberId;
    }
}

internal sealed class AgreementVersionMapping : IEntityTypeConfiguration<AgreementVersionRecord>
{
    public void Configure(EntityTypeBuilder<AgreementVersionRecord> e)
    {
        e.ToTable("agreement_versions");
        e.HasOne<Client>().WithMany().HasForeignKey(v => v.ClientId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Member>().WithMany().HasForeignKey(v => v.CreatedByMemberId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(v => new { v.ClientId, v.Version }).IsUnique();
        e.Property(v => v.Document).IsRequired();
    }
}

internal sealed class AgreementTemplateMapping : IEntityTypeConfiguration<AgreementTemplateRecord>
{
    public void Configure(EntityTypeBuilder<AgreementTemplateRecord> e)
    {
        e.ToTable("agreement_templates");
        e.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Member>().WithMany().HasForeignKey(t => t.UpdatedByMemberId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(t => t.WorkspaceId).IsUnique();
        e.Property(t => t.Document).IsRequired();
    }
}
