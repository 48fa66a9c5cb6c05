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
using Liaison.Server.Features.Agreements;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Identity = Liaison.Core.Identities.Identity;

namespace Liaison.Server.Data;

/// <summary>
/// The one database. Each provider has a subclass (<see cref="SqliteLiaisonDb"/>,
/// <see cref="PostgresLiaisonDb"/>) only so that each gets its own migrations; code depends on this type.
/// </summary>
public abstract class LiaisonDb(DbContextOptions options)
    : IdentityDbContext<User, IdentityRole<long>, long>(options)
{
    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Identity> ContactIdentities => Set<Identity>();
    public DbSet<UnknownSender> UnknownSenders => Set<UnknownSender>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Note> Notes => Set<Note>();
    public DbSet<NoteRevision> NoteRevisions => Set<NoteRevision>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<Features.Channels.ChannelSettingsRecord> ChannelSettings => Set<Features.Channels.ChannelSettingsRecord>();
    public DbSet<Features.Inbound.InboundDelivery> InboundDeliveries => Set<Features.Inbound.InboundDelivery>();
    public DbSet<Features.Inbound.InboundPayload> InboundPayloads => Set<Features.Inbound.InboundPayload>();
    public DbSet<Features.Inbound.MessageEvent> MessageEvents => Set<Features.Inbound.MessageEvent>();
    public DbSet<Features.Inbound.ChannelCheckpointRecord> ChannelCheckpoints => Set<Features.Inbound.ChannelCheckpointRecord>();
    public DbSet<AgreementVersionRecord> AgreementVersions => Set<AgreementVersionRecord>();
    public DbSet<AgreementTemplateRecord> AgreementTemplates => Set<AgreementTemplateRecord>();
    public DbSet<Features.Calendar.CalendarVersionRecord> CalendarVersions => Set<Features.Calendar.CalendarVersionRecord>();

    public abstract DatabaseProvider Provider { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<ChannelKind>().HaveConversion<ChannelKindConverter>().HaveMaxLength(32);
        configurationBuilder.Properties<MessageDirection>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<NoteKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<MemberRole>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(LiaisonDb).Assembly);
    }
}
