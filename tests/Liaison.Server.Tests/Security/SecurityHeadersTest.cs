using System.Net;
using System.Net.Http.Headers;
using Liaison.Server.Tests.Clients;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Security;

/// <summary>What each class of response tells the browser it may do; and the names a download carries.</summary>
public class SecurityHeadersTest(LiaisonApps apps)
{
    private static string Csp(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Content-Security-Policy", out var values) ? string.Join(", ", values) : "";

    private static void AssertNoSniff(HttpResponseMessage response) =>
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Pages_GetTheBaselinePolicy_NoReferrer_AndNoSniff(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/login", "/", "/clients/1" })
        {
            using var page = await browser.GetAsync(path, TestContext.Current.CancellationToken);
            AssertNoSniff(page);
            Assert.Equal(SecurityHeaders.PagePolicy, Csp(page));
            Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));
        }
        var policy = SecurityHeaders.PagePolicy;
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UnknownAddress_InABrowser_IsAPageForPeople_ButProblemDetailsForTheApi(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page/at-all");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var page = await browser.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("There is nothing at this address", html, StringComparison.Ordinal);
        Assert.Equal(SecurityHeaders.PagePolicy, Csp(page));

        using var api = await app.Api().GetAsync("/api/no-such-thing", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ApiHealthAndUnknownPaths_AreNoSniff_AndMayLoadNothing(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var api = app.Api();

        foreach (var path in new[] { "/api/clients", "/health/live", "/api/no-such-thing", "/hooks/999999" })
        {
            using var response = await api.GetAsync(path, TestContext.Current.CancellationToken);
            AssertNoSniff(response);
            Assert.Equal(SecurityHeaders.ApiPolicy, Csp(response));
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Downloads_AreSandboxed_AndTheirNameHasNoBidiControls(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var api = app.Api();
        var clientId = await ClientsApiTest.NewClient(api, "Spoofed files");
        var noteId = (await (await api.Post($"/api/clients/{clientId}/notes", new { kind = "meeting", text = "Invoice" })).Json(HttpStatusCode.Created)).Id();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("MZ not really"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "invoice\u202Efdp.exe");
        var uploaded = await (await api.PostAsync($"/api/clients/{clientId}/notes/{noteId}/attachments", form)).Json(HttpStatusCode.Created);
        Assert.Equal("invoicefdp.exe", uploaded["fileName"]!.GetValue<string>());
        var id = uploaded.Id();
        // A name stored before names were cleaned on the way in.
        await app.WithDb(d => d.Attachments.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.FileName, "old\u202Efdp.exe")));

        using var download = await api.GetAsync($"/api/attachments/{id}", TestContext.Current.CancellationToken);
        using var page = await app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false })
            .GetAsync($"/files/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        AssertNoSniff(download);
        Assert.StartsWith("sandbox", Csp(download), StringComparison.Ordinal);
        Assert.StartsWith("sandbox", Csp(page), StringComparison.Ordinal);
        var disposition = download.Content.Headers.ContentDisposition!;
        Assert.Equal("oldfdp.exe", disposition.FileNameStar ?? disposition.FileName?.Trim('"'));
        Assert.DoesNotContain("%E2%80%AE", download.Content.Headers.GetValues("Content-Disposition").Single(), StringComparison.OrdinalIgnoreCase);
        var timeline = await (await api.GetAsync($"/api/clients/{clientId}/timeline")).Json(HttpStatusCode.OK);
        Assert.Equal("old⟨U+202E⟩fdp.exe", timeline["items"]![0]!["attachments"]![0]!["fileName"]!.GetValue<string>());
    }
}
