using Liaison.Core.Acknowledgements;
using Xunit;

namespace Liaison.Core.Tests.Acknowledgements;

public class PluralRulesTests
{
    [Theory]
    [InlineData("ru", "1", PluralCategory.One)]
    [InlineData("ru", "11", PluralCategory.Many)]
    [InlineData("ru", "21", PluralCategory.One)]
    [InlineData("ru", "22", PluralCategory.Few)]
    [InlineData("ru", "112", PluralCategory.Many)]
    [InlineData("ru", "1.5", PluralCategory.Other)]
    [InlineData("pl", "1", PluralCategory.One)]
    [InlineData("pl", "21", PluralCategory.Many)]
    [InlineData("pl", "24", PluralCategory.Few)]
    [InlineData("pl", "0", PluralCategory.Many)]
    [InlineData("pl", "1.5", PluralCategory.Other)]
    [InlineData("bg", "1", PluralCategory.One)]
    [InlineData("bg", "21", PluralCategory.Other)]
    [InlineData("en", "1", PluralCategory.One)]
    [InlineData("en", "1.5", PluralCategory.Other)]
    public void Select_FollowsCldr(string language, string number, PluralCategory expected) =>
        Assert.Equal(expected, PluralRules.Select(language, decimal.Parse(number, System.Globalization.CultureInfo.InvariantCulture)));
}
