using Liaison.Core.Attachments;
using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Core.Contacts;
using Liaison.Core.Conversations;
using Liaison.Core.Identities;
using Liaison.Core.Messages;
using Liaison.Core.Notes;
using Liaison.Core.Workspaces;
using Liaison.Server.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Identity = Liaison.Core.Identities.Identity;

namespace Liaison.Server.Data;

// Core types carry no EF attributes; their storage shape is decided here, in one place per type.

internal sealed class WorkspaceMapping : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> e) => e.Property(w => w.Name).HasMaxLength(200);
}

internal sealed class MemberMapping : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> e)
    {
        e.Property(m => m.DisplayName).HasMaxLength(200);
        e.Property(m => m.Email).HasMaxLength(254);
        e.HasIndex(m => m.Email).IsUnique();
        e.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId);
    }
}

internal sealed class ApiTokenMapping : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> e)
    {
        e.Property(t => t.Name).HasMaxLength(100);
        e.Property(t => t.Hash).HasMaxLength(64);
        e.HasIndex(t => t.Hash).IsUnique();
        e.HasOne<Member>().WithMany().HasForeignKey(t => t.MemberId);
    }
}

internal sealed class InvitationMapping : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> e)
    {
        e.Property(i => i.Email).HasMaxLength(254);
        e.Property(i => i.DisplayName).HasMaxLength(200);
        e.Property(i => i.TokenHash).HasMaxLength(64);
        e.HasIndex(i => i.TokenHash).IsUnique();
        e.HasOne<Workspace>().WithMany().HasForeignKey(i => i.WorkspaceId);
    }
}

internal sealed class ClientMapping : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> e)
    {
        e.Property(c => c.Name).HasMaxLength(Client.MaxNameLength);
        e.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId);
        e.HasOne<Member>().WithMany().HasForeignKey(c => c.ResponsibleMemberId).OnDelete(DeleteBehavior.SetNull);
        // The client list: active first, most recent activity first, searched by name.
        e.HasIndex(c => new { c.ArchivedAt, c.LastActivityAt });
        e.Property(c => c.NameKey).HasMaxLength(Client.MaxNameLength);
        e.HasIndex(c => c.NameKey);
        e.Ignore(c => c.IsArchived);
    }
}

internal sealed class ContactMapping : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> e)
    {
        e.Property(c => c.Name).HasMaxLength(200);
        e.Property(c => c.Role).HasMaxLength(200);
        e.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(c => c.Identities).WithOne().HasForeignKey(i => i.ContactId).OnDelete(DeleteBehavior.Cascade);
        e.Navigation(c => c.Identities).HasField("identities").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class IdentityMapping : IEntityTypeConfiguration<Identity>
{
    public void Configure(EntityTypeBuilder<Identity> e)
    {
        e.ToTable("identities");
        e.Property(i => i.Address).HasMaxLength(320);
        e.Property(i => i.Label).HasMaxLength(100);
        // The rule "an identity belongs to exactly one contact", enforced where races can't slip past it.
        e.HasIndex(i => new { i.Kind, i.Address }).IsUnique();
    }
}

internal sealed class UnknownSenderMapping : IEntityTypeConfiguration<UnknownSender>
{
    public void Configure(EntityTypeBuilder<UnknownSender> e)
    {
        e.Property(u => u.Address).HasMaxLength(320);
        e.Property(u => u.DisplayName).HasMaxLength(200);
        e.HasIndex(u => new { u.Kind, u.Address }).IsUnique();
        e.HasIndex(u => u.LastSeenAt);
    }
}

internal sealed class ChannelMapping : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> e)
    {
        e.Property(c => c.Name).HasMaxLength(200);
        e.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId);
        // One channel per source of history (the API, an import), however many first uses race.
        e.HasIndex(c => new { c.WorkspaceId, c.Kind, c.Name }).IsUnique().HasFilter("kind IN ('api', 'import')");
    }
}

internal sealed class ConversationMapping : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> e)
    {
        e.Property(c => c.ThreadKey).HasMaxLength(400);
        e.Property(c => c.Subject).HasMaxLength(1000);
        e.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(c => new { c.ClientId, c.ChannelKind, c.ThreadKey }).IsUnique();
    }
}

internal sealed class MessageMapping : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> e)
    {
        e.Property(m => m.CounterpartAddress).HasMaxLength(320);
        e.Property(m => m.Subject).HasMaxLength(1000);
        e.Property(m => m.ProviderMessageId).HasMaxLength(400);
        e.Property(m => m.ThreadKey).HasMaxLength(400);
        e.HasOne<Client>().WithMany().HasForeignKey(m => m.ClientId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Contact>().WithMany().HasForeignKey(m => m.ContactId).OnDelete(DeleteBehavior.SetNull);
        e.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.SetNull);
        e.HasOne<UnknownSender>().WithMany().HasForeignKey(m => m.UnknownSenderId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Channel>().WithMany().HasForeignKey(m => m.ChannelId).OnDelete(DeleteBehavior.Restrict);
        // The timeline's keyset seek: (client, occurred_at desc, id desc).
        e.HasIndex(m => new { m.ClientId, m.OccurredAt, m.Id }).IsDescending(false, true, true);
        e.Property(m => m.DeliveryState).HasConversion<string>().HasMaxLength(16);
        // A provider's message is stored once per channel, however often its delivery is processed or
        // the same history is recorded: every message has a channel (HistoryChannels for the API's).
        e.HasIndex(m => new { m.ChannelId, m.ProviderMessageId }).IsUnique();
        e.HasIndex(m => m.UnknownSenderId);
        e.HasIndex(m => m.ContactId);
        e.HasIndex(m => m.ConversationId);
    }
}

internal sealed class NoteMapping : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> e)
    {
        e.HasOne<Client>().WithMany().HasForeignKey(n => n.ClientId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Member>().WithMany().HasForeignKey(n => n.AuthorMemberId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(n => new { n.ClientId, n.OccurredAt, n.Id }).IsDescending(false, true, true);
    }
}

internal sealed class NoteRevisionMapping : IEntityTypeConfiguration<NoteRevision>
{
    public void Configure(EntityTypeBuilder<NoteRevision> e)
    {
        e.HasOne<Note>().WithMany().HasForeignKey(r => r.NoteId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Member>().WithMany().HasForeignKey(r => r.ReplacedByMemberId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(r => new { r.NoteId, r.ReplacedAt });
    }
}

internal sealed class AttachmentMapping : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> e)
    {
        e.Property(a => a.Sha256).HasMaxLength(64).IsFixedLength();
        e.Property(a => a.FileName).HasMaxLength(255);
        e.Property(a => a.ContentType).HasMaxLength(200);
        e.Property(a => a.ContentId).HasMaxLength(400);
        e.HasOne<Message>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Note>().WithMany().HasForeignKey(a => a.NoteId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(a => a.MessageId);
        e.HasIndex(a => a.NoteId);
        e.HasIndex(a => a.Sha256);
    }
}
