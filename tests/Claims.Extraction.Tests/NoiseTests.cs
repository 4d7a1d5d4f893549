namespace Claims.Extraction.Tests;

/// <summary>Inputs that must not produce claims: numbers that are not quantities of a known metric.</summary>
public sealed class NoiseTests
{
    private static readonly ClaimExtractor _extractor = new();

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n ")]
    [InlineData("Президенты Азербайджана и Казахстана обсудили развитие Среднего коридора.")]
    [InlineData("Қазақстан мен Әзербайжан қарым-қатынасы бауырластық пен сенім негізінде құрылған.")]
    [InlineData("Azerbaijan and Kazakhstan discussed the Middle Corridor.")]
    public void Text_without_numbers_yields_no_claims(string text)
    {
        Assert.Empty(_extractor.Extract(new ArticleText(text, null, new DateOnly(2025, 10, 18))).Claims);
    }

    [Theory]
    [InlineData("Встреча состоялась 21 октября 2025 года в 10:30 в Астане.")]
    [InlineData("Справки по телефону +7 (701) 123-45-67 или 8 800 555 35 35.")]
    [InlineData("В Габале состоялся 12-й Саммит ОТГ, а в 2026 году пройдет 13-й.")]
    [InlineData("Договор подписан в 2005 году, 20-летие которого мы отметили в этом году.")]
    [InlineData("«Дорожная карта на 2022–2027 годы» подписана в Актау.")]
    [InlineData("Обучаются около 100 детей, подписано около 170 документов.")]
    [InlineData("ҚР Президенті Қасым-Жомарт Тоқаевтың шақыруымен 20-21 қазан күндері сапар өтеді.")]
    [InlineData("Previously, relations were described as «5+1». — Hikmet Hajiyev (@HikmetHajiyev) October 21, 2025")]
    [InlineData("В рамках СОР29 стороны подписали соглашение.")]
    [InlineData("Бюджет фестиваля составил 2 млн долларов.")]
    public void Years_dates_phones_ordinals_and_figures_of_unknown_metrics_are_not_claims(string text)
    {
        var result = _extractor.Extract(new ArticleText(text, null, new DateOnly(2025, 10, 18)));

        Assert.True(result.Claims.Count == 0, ClaimAssertions.Describe(result));
    }
}
