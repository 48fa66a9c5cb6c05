using System.Net;
using System.Text.RegularExpressions;
using Liaison.Core.Workspaces;
using Liaison.Server.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Liaison.Server.Tests.Auth;

/// <summary>
/// A browser in front of the in-process server: keeps its own cookies (so a test can save a cookie and
/// replay it later, as an attacker who copied it would), posts the pages' forms with their antiforgery
/// token, and comes from one client address (the X-Forwarded-For a reverse proxy on the machine sets).
/// </summary>
public sealed partial class Browser
{
    private readonly HttpClient http;
    private readonly Dictionary<string, string> cookies;

    public Browser(LiaisonApp app, string? clientAddress = null, Dictionary<string, string>? cookies = null)
    {
        http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        ClientAddress = clientAddress ?? RandomClientAddress();
        this.cookies = cookies is null ? [] : new Dictionary<string, string>(cookies);
    }

    public string ClientAddress { get; }

    /// <summary>A copy of this browser's cookies as they are now.</summary>
    public Dictionary<string, string> SavedCookies => new(cookies);

    public static string RandomClientAddress() => $"198.51.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Forwarded-For", ClientAddress);
        if (cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var setCookie in setCookies)
            {
                var pair = setCookie.Split(';')[0];
                var name = pair[..pair.IndexOf('=')];
                var value = pair[(pair.IndexOf('=') + 1)..];
                if (value.Length == 0 || setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) cookies.Remove(name);
                else cookies[name] = value;
            }
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    /// <summary>Whether the server takes this browser as signed in: a page behind sign-in answers instead of sending it to /login.</summary>
    public async Task<bool> IsSignedInAsync()
    {
        using var response = await GetAsync("/account");
        if (response.StatusCode == HttpStatusCode.OK) return true;
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login", response.Headers.Location!.OriginalString);
        return false;
    }

    /// <summary>Opens <paramref name="path"/>, fills in the form posted to it and submits it, like a person would.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string formName, params (string Name, string Value)[] fields)
    {
        using var page = await GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)page.StatusCode}");
        var form = new Dictionary<string, string> { ["_handler"] = formName, ["__RequestVerificationToken"] = AntiforgeryToken(html) };
        foreach (var (name, value) in fields) form[name] = value;
        return await SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent(form));
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password, string? returnUrl = null) =>
        SubmitAsync(returnUrl is null ? "/login" : "/login?returnUrl=" + Uri.EscapeDataString(returnUrl), "login", ("Form.Email", email), ("Form.Password", password));

    public async Task SignInOrFailAsync(string email, string password)
    {
        using var response = await SignInAsync(email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in answered {(int)response.StatusCode}: {Visible(await response.Content.ReadAsStringAsync())}");
    }

    /// <summary>The layout's "Sign out" button.</summary>
    public async Task<HttpResponseMessage> SignOutAsync(string action = "/logout")
    {
        using var page = await GetAsync("/account");
        var token = AntiforgeryToken(await page.Content.ReadAsStringAsync());
        return await SendAsync(HttpMethod.Post, action, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    /// <summary>The error a form shows (its role="alert" lines), as text.</summary>
    public static string Alerts(string html) => string.Join(" | ", AlertPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));

    private static string Visible(string html) => html.Length > 2000 ? Alerts(html) : html;

    private static string AntiforgeryToken(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("role=\"alert\"[^>]*>([^<]*)<")]
    private static partial Regex AlertPattern();
}

