using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Testing;
using Microsoft.Playwright;
using static Liaison.Testing.TelegramUpdates;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>A server whose Telegram bot talks to a local Bot API that answers as Telegram documents.</summary>
public sealed class TelegramLiaisonApp : SetUpLiaisonApp
{
    public FakeTelegramBotApi Bot { get; private set; } = default!;

    protected override async Task PrepareAsync()
    {
        Bot = await FakeTelegramBotApi.StartAsync();
        await base.PrepareAsync();
    }

    protected override void AddEnvironment(IDictionary<string, string?> environment) => environment["Liaison__Telegram__BotApiBase"] = Bot.Base.ToString();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Bot is not null) await Bot.DisposeAsync();
    }
}

/// <summary>Replying from the client page on the channel a message came from: here a Telegram chat, without a subject, sent with reply_parameters.</summary>
public sealed class TelegramComposerTests(TelegramLiaisonApp app) : IClassFixture<TelegramLiaisonApp>
{
    [Fact]
    public async Task ReplyToATelegramMessage_GoesOutOnTelegram_AsAReplyInItsChat_AndIsShownSent()
    {
        var anna = new Person(381_245_001, "Anna", "Kowalska", "anna_kow");
        await ConnectBotAsync();
        var clientId = await CreateClientAsync("Kowalski Sp.", "Anna Kowalska", Id(anna.Id));
        app.Bot.Queue(Text(9801, anna, Chat.With(anna), 91, "Czy możemy przesunąć spotkanie na czwartek?", DateTimeOffset.UtcNow.AddMinutes(-3)));

        var page = await app.SignedInPageAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        var received = page.GetByTestId("timeline-item").Filter(new() { HasText = "przesunąć spotkanie" });
        await Expect(received).ToHaveAttributeAsync("data-channel", "telegram", new() { Timeout = 20_000 });

        await received.GetByTestId("reply").ClickAsync();
        var composer = page.GetByTestId("composer");
        await Expect(composer).ToHaveAttributeAsync("data-channel", "telegram");
        await Expect(composer.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Reply on Telegram");
        // A chat has no subject line.
        await Expect(composer.GetByTestId("composer-subject")).ToHaveCountAsync(0);
        await composer.GetByTestId("composer-text").FillAsync("Tak, czwartek 10:00 pasuje.");
        await Screens.CaptureAsync(page, "client-telegram-reply-composer");
        await ComposerSteps.SendNowAsync(composer);
        await Expect(composer).ToHaveCountAsync(0);

        var reply = page.GetByTestId("timeline-item").Filter(new() { HasText = "czwartek 10:00 pasuje" });
        await Expect(reply).ToHaveAttributeAsync("data-side", "out");
        await Expect(reply.GetByTestId("delivery-state")).ToHaveAttributeAsync("data-state", "sent", new() { Timeout = 15_000 });
        var sent = Assert.Single(app.Bot.Sent);
        Assert.Equal(("sendMessage", Id(anna.Id), "Tak, czwartek 10:00 pasuje.", (long?)91), (sent.Method, sent.ChatId, sent.Text, sent.ReplyTo));
        await Screens.CaptureAsync(page, "client-telegram-reply-sent");
    }

    [Fact]
    public async Task ChannelsPage_OffersABotEitherWay_AndShowsAPollingBotUpToDate()
    {
        await ConnectBotAsync();
        var page = await app.SignedInPageAsync("/channels");
        var status = page.GetByTestId("pull-status").First;
        await Expect(status).ToHaveAttributeAsync("data-state", "idle", new() { Timeout = 20_000 });
        await Expect(status).ToContainTextAsync("Up to date");

        await page.GetByTestId("connect-channel").ClickAsync();
        var form = page.GetByTestId("connect-form");
        await form.GetByTestId("kind-telegram").ClickAsync();
        await Expect(form.GetByLabel("Bot token")).ToBeVisibleAsync();
        await Expect(form.GetByLabel("How updates arrive")).ToHaveValueAsync("webhook");
        // Without Liaison:PublicBaseUrl a webhook can't be reached: said before connecting, and the form offers polling.
        await Expect(form.GetByTestId("form-public-url-missing")).ToContainTextAsync("PublicBaseUrl is not set");
        await Screens.CaptureAsync(page, "channels-telegram-connect");
        await form.GetByLabel("How updates arrive").SelectOptionAsync("polling");
        await Expect(form.GetByTestId("form-public-url-missing")).ToHaveCountAsync(0);
    }

    private async Task ConnectBotAsync()
    {
        using var http = Api();
        var created = await http.PostAsJsonAsync("/api/channels", new
        {
            kind = "telegram", name = "Studio bot", settings = new Dictionary<string, string> { ["botToken"] = app.Bot.Token, ["mode"] = "polling" },
        }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private async Task<long> CreateClientAsync(string client, string contact, string telegramId)
    {
        using var http = Api();
        var ct = TestContext.Current.CancellationToken;
        var created = await http.PostAsJsonAsync("/api/clients", new { name = client }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        var added = await http.PostAsJsonAsync($"/api/clients/{clientId}/contacts", new { name = contact, identities = new[] { new { kind = "telegram", address = telegramId } } }, ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return clientId;
    }

    private HttpClient Api()
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
        return http;
    }
}
