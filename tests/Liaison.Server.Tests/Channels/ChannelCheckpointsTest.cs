using Liaison.Channels.Email;
using Liaison.Core.Inbound;
using Liaison.Server.Tests.Inbound;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Channels;

/// <summary>The checkpoint store any pulling channel keeps its place in, and the mailbox's typed view over it.</summary>
public sealed class ChannelCheckpointsTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Checkpoints_ArePerChannelAndKey_ReplacedInPlace_AndForgottenTogether(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var store = app.Services.GetRequiredService<IChannelCheckpoints>();
        var first = (await WhatsAppChannel.ConnectAsync(app)).Id;
        var second = (await WhatsAppChannel.ConnectAsync(app)).Id;
        var ct = TestContext.Current.CancellationToken;

        await store.SetAsync(first, "update_id", "41", ct);
        await store.SetAsync(first, "update_id", "42", ct);
        await store.SetAsync(first, "other", "x", ct);
        await store.SetAsync(second, "update_id", "7", ct);

        Assert.Equal("42", await store.GetAsync(first, "update_id", ct));
        Assert.Equal("7", await store.GetAsync(second, "update_id", ct));
        Assert.Null(await store.GetAsync(first, "missing", ct));

        await store.ForgetAsync(first, ct);
        Assert.Null(await store.GetAsync(first, "update_id", ct));
        Assert.Null(await store.GetAsync(first, "other", ct));
        Assert.Equal("7", await store.GetAsync(second, "update_id", ct));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MailboxCheckpoint_RoundTripsThroughTheChannelStore_WithEveryField(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var mailboxes = app.Services.GetRequiredService<IMailboxCheckpoints>();
        var channelId = (await WhatsAppChannel.ConnectAsync(app)).Id;
        var ct = TestContext.Current.CancellationToken;
        var saved = new MailboxCheckpoint(uint.MaxValue, 1234, ulong.MaxValue, 1200);

        await mailboxes.SaveAsync(channelId, "Archiv/2026; Ąę", saved, ct);
        await mailboxes.SaveAsync(channelId, "INBOX", new MailboxCheckpoint(5, 6), ct);

        Assert.Equal(saved, await mailboxes.GetAsync(channelId, "Archiv/2026; Ąę", ct));
        Assert.Equal(new MailboxCheckpoint(5, 6), await mailboxes.GetAsync(channelId, "INBOX", ct));
        Assert.Null(await mailboxes.GetAsync(channelId, "Sent", ct));
    }
}

/// <summary>What the Channels page is told about the kinds it can connect.</summary>
public sealed class ChannelKindsTest(LiaisonApps apps)
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WithoutPublicBaseUrl_WebhookChannelsSayTheyNeedIt_PulledOnesDoNot(DatabaseProvider db)
    {
        var kinds = (await (await (await apps.For(db)).Api().GetAsync("/api/channels/kinds")).Json(System.Net.HttpStatusCode.OK)).AsArray();

        Assert.True(kinds.Single(k => k!["kind"]!.GetValue<string>() == "whatsapp")!["needsPublicUrl"]!.GetValue<bool>());
        Assert.False(kinds.Single(k => k!["kind"]!.GetValue<string>() == "email")!["needsPublicUrl"]!.GetValue<bool>());
        // A Telegram bot is posted to or polls, as its settings say: offered both ways, and the public address matters for its webhook.
        var telegram = kinds.Single(k => k!["kind"]!.GetValue<string>() == "telegram")!;
        Assert.Equal(["webhook", "pulling"], telegram["receives"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.True(telegram["needsPublicUrl"]!.GetValue<bool>());
        // Only kinds that are accounts are offered: no phone, no API history channel.
        Assert.Equal(["email", "telegram", "whatsapp", "messenger"], kinds.Select(k => k!["kind"]!.GetValue<string>()));
    }
}
