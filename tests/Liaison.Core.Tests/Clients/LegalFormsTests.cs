using Liaison.Core.Clients;

namespace Liaison.Core.Tests.Clients;

public class LegalFormsTests
{
    [Theory]
    [InlineData("ООО Северный ветер", "Северный ветер")]
    [InlineData("ООО «Ромашка»", "Ромашка")]
    [InlineData("Kowalski Design sp. z o.o.", "Kowalski Design")]
    [InlineData("Kowalski Design Sp.z o.o.", "Kowalski Design")]
    [InlineData("Балкан Софт ЕООД", "Балкан Софт")]
    [InlineData("Балкан Софт ООД", "Балкан Софт")]
    [InlineData("Acme Ltd", "Acme")]
    [InlineData("Acme Ltd.", "Acme")]
    [InlineData("Müller GmbH", "Müller")]
    [InlineData("ИП Иванов Пётр", "Иванов Пётр")]
    [InlineData("Anna Nowak", "Anna Nowak")]
    public void NameWords_CompanyName_SkipsTheLegalForm(string name, string expected) =>
        Assert.Equal(expected, string.Join(' ', LegalForms.NameWords(name)));

    [Theory]
    [InlineData("ООО")]
    [InlineData("GmbH")]
    public void NameWords_NothingButALegalForm_KeepsIt(string name) =>
        Assert.Equal(name, string.Join(' ', LegalForms.NameWords(name)));

    [Fact]
    public void NameWords_AgileMeansNoForm_OnlyWholeWordsAreForms() =>
        // "AG" is a form, "Agile" is not: comparison is of whole words.
        Assert.Equal("Agile Studio", string.Join(' ', LegalForms.NameWords("Agile Studio")));
}
