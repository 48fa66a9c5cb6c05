using Liaison.Server.Auth;

namespace Liaison.Server.Tests.Auth;

public class CommonPasswordsTest
{
    [Theory]
    [InlineData("qwertyuiop")]
    [InlineData("Password123")]
    [InlineData("1q2w3e4r5t")]
    [InlineData(" iloveyou123 ")]
    public void ABreachedPassword_IsOnTheList_WhateverItsCase(string password) => Assert.True(CommonPasswords.Contains(password));

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("a long enough passphrase")]
    public void APassphrase_IsNotOnTheList(string password) => Assert.False(CommonPasswords.Contains(password));
}
