using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Testing;
using Microsoft.Playwright;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace Liaison.Browser.Tests;

/// <summary>A mailbox connected and edited on the channels page, against the real Dovecot and Postfix.</summary>
public sealed class ChannelsPageTests(SetUpLiaisonApp app, MailServers mail) : IClassFixture<SetUpLiaisonApp>, IClassFixture<MailServers>
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Mailbox_ConnectedOnThePage_SyncsShowsLiveMail_AndItsSettingsAreEditedInPlace()
    {
        var client = $"anna-{Guid.NewGuid().ToString("N")[..8]}@client.test";
        var clientId = await CreateClientAsync("Kowalska Design", "Anna Kowalska", client);
        var address = mail.NewMailbox("studio");
        await mail.AppendAsync(address, "INBOX", [Mail(client, address, "Logo drafts", "Three options attached."), Mail(client, address, "Invoice", "Paid today.")]);

        var page = await SignInAsync("/channels");
        await NewUserTests.WaitReadyAsync(page, "channels-page");
        await page.GetByTestId("connect-channel").ClickAsync();
        var form = page.GetByTestId("connect-form");
        await form.GetByTestId("kind-email").ClickAsync();
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync("Studio mail");
        var settings = mail.SettingsFor(address);
        foreach (var (label, name) in Fields)
            await form.GetByLabel(label, new() { Exact = true }).FillAsync(settings[name]!);
        // Security is picked from a list: SSL/TLS for IMAP and STARTTLS for SMTP unless changed.
        await Expect(form.GetByLabel("IMAP security", new() { Exact = true })).ToHaveValueAsync("ssl");
        await Expect(form.GetByLabel("SMTP security", new() { Exact = true })).ToHaveValueAsync("starttls");
        await form.GetByLabel("IMAP security", new() { Exact = true }).SelectOptionAsync("none");
        await form.GetByLabel("SMTP security", new() { Exact = true }).SelectOptionAsync("None (unencrypted)");
        await Screens.CaptureAsync(page, "channels-connect-mailbox", Top(page));
        await form.GetByTestId("connect-submit").ClickAsync();

        var channel = page.GetByTestId("channel").Filter(new() { HasText = "Studio mail" });
        var status = channel.GetByTestId("pull-status");
        await Expect(status).ToHaveAttributeAsync("data-state", "idle", new() { Timeout = (float)SyncTimeout.TotalMilliseconds });
        await Expect(status).ToContainTextAsync("Up to date");
        await Expect(channel.GetByTestId("webhook-url")).ToHaveCountAsync(0);
        await Screens.CaptureAsync(page, "channels-mailbox", Top(page));

        // Mail from the client reaches her timeline while it is open.
        await page.GotoAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        var items = page.GetByTestId("timeline-item");
        await Expect(items).ToHaveCountAsync(2);
        await mail.SendAsync(Mail(client, address, "One more thing", "Can we move the call to Friday?"));
        await Expect(items).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        await Expect(items.First).ToContainTextAsync("Can we move the call to Friday?");

        // Edit: the same form, prefilled, the password never shown.
        await page.GotoAsync("/channels");
        await NewUserTests.WaitReadyAsync(page, "channels-page");
        await channel.GetByTestId("edit-channel").ClickAsync();
        var edit = channel.GetByTestId("edit-form");
        await Expect(edit.GetByLabel("IMAP host", new() { Exact = true })).ToHaveValueAsync("127.0.0.1");
        await Expect(edit.GetByLabel("IMAP port", new() { Exact = true })).ToHaveValueAsync(mail.ImapPort.ToString());
        await Expect(edit.GetByLabel("E-mail address", new() { Exact = true })).ToHaveValueAsync(address);
        await Expect(edit.GetByLabel("IMAP security", new() { Exact = true })).ToHaveValueAsync("none");
        var password = edit.GetByLabel("Password", new() { Exact = true });
        await Expect(password).ToHaveValueAsync("");
        await Expect(password).ToHaveAttributeAsync("type", "password");
        await Expect(edit).ToContainTextAsync("leave empty to keep it");
        Assert.DoesNotContain($"value=\"{MailServers.Password}\"", await page.ContentAsync());

        // A port that can't be: refused on its field by the server, nothing changed.
        await edit.GetByLabel("IMAP port", new() { Exact = true }).FillAsync("99999");
        await edit.GetByTestId("settings-save").ClickAsync();
        await Expect(edit.GetByText("'imap.port' must be a port number (1-65535); got '99999'.")).ToBeVisibleAsync();
        await Screens.CaptureAsync(page, "channels-edit-error", Top(page));

        // A wrong password: the mailbox fails in Dovecot's words, and says how to fix it.
        await edit.GetByLabel("IMAP port", new() { Exact = true }).FillAsync(mail.ImapPort.ToString());
        await password.FillAsync("not-the-password");
        await edit.GetByTestId("settings-save").ClickAsync();
        await Expect(edit).ToHaveCountAsync(0);
        await Expect(status).ToHaveAttributeAsync("data-state", "failing", new() { Timeout = (float)SyncTimeout.TotalMilliseconds });
        await Expect(status).ToContainTextAsync("Authentication failed");
        await Screens.CaptureAsync(page, "channels-mailbox-failing", Top(page));

        // Fixed from the status line; saved, it is up to date again without fetching anything twice.
        await status.GetByRole(AriaRole.Button, new() { Name = "Edit the settings" }).ClickAsync();
        await edit.GetByLabel("Password", new() { Exact = true }).FillAsync(MailServers.Password);
        await edit.GetByTestId("settings-save").ClickAsync();
        await Expect(status).ToHaveAttributeAsync("data-state", "idle", new() { Timeout = (float)SyncTimeout.TotalMilliseconds });
        await Expect(status).ToContainTextAsync("Up to date");

        // Saved again with the password left empty: the stored one still logs in.
        await channel.GetByTestId("edit-channel").ClickAsync();
        await edit.GetByLabel("Folders to sync", new() { Exact = true }).FillAsync("INBOX");
        await edit.GetByTestId("settings-save").ClickAsync();
        await Expect(status).ToHaveAttributeAsync("data-state", "idle", new() { Timeout = (float)SyncTimeout.TotalMilliseconds });
        await mail.SendAsync(Mail(client, address, "Friday works", "See you then."));
        await page.GotoAsync($"/clients/{clientId}");
        await NewUserTests.WaitReadyAsync(page, "client-page");
        await Expect(items).ToHaveCountAsync(4, new() { Timeout = 30_000 });
    }

    /// <summary>Full-page screenshots from the top, so the sticky phone header isn't drawn over the middle of the page.</summary>
    private static Func<Task> Top(IPage page) => () => page.EvaluateAsync("window.scrollTo(0, 0)");

    private static readonly (string Label, string Name)[] Fields =
    [
        ("E-mail address", "address"), ("IMAP user", "user"), ("Password", "password"),
        ("IMAP host", "imap.host"), ("IMAP port", "imap.port"), ("SMTP host", "smtp.host"), ("SMTP port", "smtp.port"),
    ];

    private static MimeMessage Mail(string from, string to, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Anna Kowalska", from));
        message.To.Add(new MailboxAddress("Studio", to));
        message.Subject = subject;
        message.Date = DateTimeOffset.UtcNow.AddMinutes(-1);
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.test");
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private Task<IPage> SignInAsync(string path) => app.SignedInPageAsync(path);

    private async Task<long> CreateClientAsync(string client, string contact, string address)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ApiToken);
        var ct = TestContext.Current.CancellationToken;
        var created = await http.PostAsJsonAsync("/api/clients", new { name = client }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        var added = await http.PostAsJsonAsync($"/api/clients/{clientId}/contacts", new
        {
            name = contact,
            identities = new[] { new { kind = "email", address } },
        }, ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return clientId;
    }
}
