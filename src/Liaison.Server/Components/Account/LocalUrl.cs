namespace Liaison.Server.Components.Account;

internal static class LocalUrl
{
    /// <summary>A return URL only ever leads back into Liaison: "/clients/4", never "//evil.example" or "https://...".</summary>
    public static string OrHome(string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(returnUrl)) return "/";
        var url = returnUrl.StartsWith('/') ? returnUrl : "/" + returnUrl;
        var local = !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && Uri.IsWellFormedUriString(url, UriKind.Relative) && !url.Contains(':', StringComparison.Ordinal);
        return local && !url.StartsWith("/login", StringComparison.OrdinalIgnoreCase) ? url : "/";
    }
}
