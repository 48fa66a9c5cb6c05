namespace Liaison.Server.Components.Account;

internal static class LocalUrl
{
    private static readonly Uri Here = new("http://liaison.invalid/");

    /// <summary>
    /// A return URL only ever leads back into Liaison: "/clients/4", never "//evil.example" or "https://...".
    /// It comes back percent-encoded (ASCII only): "/clients?q=żółw" becomes "/clients?q=%C5%BC%C3%B3%C5%82w",
    /// since a raw "ż" in a Location header fails the whole response.
    /// </summary>
    public static string OrHome(string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(returnUrl)) return "/";
        var url = returnUrl.StartsWith('/') ? returnUrl : "/" + returnUrl;
        if (url.StartsWith("//", StringComparison.Ordinal) || url.StartsWith("/\\", StringComparison.Ordinal) || url.Contains(':', StringComparison.Ordinal)
            || url.Any(char.IsControl) || url.StartsWith("/login", StringComparison.OrdinalIgnoreCase))
            return "/";
        if (!Uri.TryCreate(Here, url, out var resolved) || resolved.Host != Here.Host || resolved.Port != Here.Port) return "/";
        return resolved.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped);
    }
}
