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
    [InlineData("В мероприятии приняли участие около 300 гостей из двух стран.")]
    [InlineData("ҚР Президенті Қасым-Жомарт Тоқаевтың шақыруымен 20-21 қазан күндері сапар өтеді.")]
    [InlineData("Previously, relations were described as «5+1». — Hikmet Hajiyev (@HikmetHajiyev) October 21, 2025")]
    [InlineData("В рамках СОР29 стороны подписали соглашение.")]
    [InlineData("За последние три года это мой седьмой визит в братскую страну.")]
    [InlineData("Кейінгі үш жылда бауырлас елге осымен жетінші рет сапарламақпын.")]
    [InlineData("Delegations of the two countries met for the third time in five years.")]
    public void Years_dates_phones_ordinals_durations_and_uncounted_things_are_not_claims(string text)
    {
        var result = _extractor.Extract(new ArticleText(text, null, new DateOnly(2025, 10, 18)));

        Assert.True(result.Claims.Count == 0, ClaimAssertions.Describe(result));
    }

    [Theory]
    [InlineData("Бюджет фестиваля составил 2 млн долларов.", "byudzhet:na:na", "2000000", "USD")]
    [InlineData("Фестивальдің бюджеті 2 млн долларды құрады.", "byudzhet:na:na", "2000000", "USD")]
    [InlineData("The festival budget amounted to $2 million.", "budget:na:na", "2000000", "USD")]
    [InlineData("Выручка КазМунайГаза в 2024 году составила 8,9 трлн тенге.", "vyruchk:KZ:2024", "8900000000000", "KZT")]
    [InlineData("Kazakhstan harvested 26.7 million tonnes of grain in 2024.", "grain:KZ:2024", "26700000", "t")]
    public void Figures_of_metrics_outside_the_catalog_are_keyed_by_their_head_noun_with_low_confidence(string text, string claimId, string value, string unit)
    {
        var claim = Assert.Single(_extractor.Extract(new ArticleText(text, null, new DateOnly(2025, 10, 18))).Claims);

        Assert.Equal(claimId, claim.ClaimId);
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), claim.Value);
        Assert.Equal(unit, claim.Unit);
        Assert.InRange(claim.Confidence, 0.3, 0.5);
    }
}
