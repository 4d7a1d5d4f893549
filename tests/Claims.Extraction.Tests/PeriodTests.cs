using Claims.Contracts;

namespace Claims.Extraction.Tests;

public sealed class PeriodTests
{
    private static readonly ClaimExtractor _extractor = new();

    private static ClaimMention OnlyClaim(string text, DateOnly? publishedAt)
    {
        var result = _extractor.Extract(new ArticleText(text, null, publishedAt));
        Assert.True(result.Claims.Count == 1, $"Expected one claim in \"{text}\"; found: {ClaimAssertions.Describe(result)}");
        return result.Claims[0];
    }

    /// <summary>
    /// The period readers are tried only at tokens where one can start; that shortcut must find what
    /// trying all nine at every token finds, with and without a publication date, on the corpus, the
    /// seeds and copies with case changes and characters dropped.
    /// </summary>
    [Fact]
    public void Period_readers_find_the_same_periods_when_tried_only_where_one_can_start()
    {
        var vocabulary = new Vocabulary(MetricCatalog.Default, Gazetteer.Default);
        var tokenizer = new Text.Tokenizer(vocabulary.Index);
        var (shortcut, everyToken) = (new Periods.PeriodReader(vocabulary.Index), new Periods.PeriodReader(vocabulary.Index, tryEveryToken: true));
        var random = new Random(23);
        var texts = Corpus.AnnotatedCorpus.Documents.Select(document => document.Text)
            .Concat(SeedArticles.Files.Select(file => SeedArticles.Load(file[..3]).Text))
            .Append("Exports rose 5% in Q1 2025 and 7% in H1 2025, against 3% in q4 2024.")
            .ToList();
        texts.AddRange([.. texts.Select(text => new string([.. text.Select(c => random.Next(40) switch { 0 => char.ToUpperInvariant(c), 1 => '\u00AD', _ => c })]))]);
        var found = 0;
        foreach (var text in texts)
        {
            foreach (var sentence in Text.SentenceSplitter.Split(text, 0))
            {
                var tokens = tokenizer.Tokenize(text, sentence.Start, sentence.End);
                foreach (DateOnly? publishedAt in new DateOnly?[] { new DateOnly(2025, 10, 18), null })
                {
                    var expected = everyToken.Read(tokens, publishedAt);
                    Assert.Equal(expected, shortcut.Read(tokens, publishedAt));
                    found += expected.Count;
                }
            }
        }

        Assert.True(found > 1_000, $"{found} periods");
    }

    [Theory]
    [InlineData("в 2024 году", "2024")]
    [InlineData("за 2024 год", "2024")]
    [InlineData("в 2024 г.", "2024")]
    [InlineData("в первом квартале 2025 года", "2025-Q1")]
    [InlineData("во II квартале 2025 года", "2025-Q2")]
    [InlineData("за январь–август 2025 года", "2025-01/2025-08")]
    [InlineData("в январе-сентябре 2025 года", "2025-01/2025-09")]
    [InlineData("с января по август 2025 года", "2025-01/2025-08")]
    [InlineData("в первом полугодии 2025 года", "2025-01/2025-06")]
    [InlineData("в марте 2025 года", "2025-03")]
    [InlineData("в 2019–2024 годах", "2019/2024")]
    [InlineData("за 9 месяцев 2025 года", "2025-01/2025-09")]
    [InlineData("за восемь месяцев 2025 года", "2025-01/2025-08")]
    [InlineData("на 1 октября 2025 года", "2025-10-01")]
    [InlineData("в прошлом году", "2024")]
    [InlineData("в этом году", "2025")]
    public void Russian_periods_take_the_contract_format(string period, string expected)
    {
        var claim = OnlyClaim($"Товарооборот Азербайджана и Казахстана {period} составил 470 млн долларов.", new DateOnly(2025, 10, 18));

        Assert.Equal(expected, claim.Period);
        Assert.Equal($"trade_turnover:AZ+KZ:{expected}", claim.ClaimId);
    }

    [Theory]
    [InlineData("2024 жылы", "2024")]
    [InlineData("2025 жылдың қаңтар-тамызы аралығында", "2025-01/2025-08")]
    [InlineData("2025 жылдың бірінші тоқсанында", "2025-Q1")]
    [InlineData("былтыр", "2024")]
    [InlineData("биыл", "2025")]
    [InlineData("өткен жылы", "2024")]
    public void Kazakh_periods_take_the_contract_format(string period, string expected)
    {
        var claim = OnlyClaim($"{period} Әзербайжан мен Қазақстан арасындағы тауар айналымы 470 млн долларды құрады.", new DateOnly(2025, 10, 18));

        Assert.Equal(expected, claim.Period);
    }

    [Theory]
    [InlineData("in 2024", "2024")]
    [InlineData("in Q1 2025", "2025-Q1")]
    [InlineData("in the first quarter of 2025", "2025-Q1")]
    [InlineData("in January-August 2025", "2025-01/2025-08")]
    [InlineData("from January to August 2025", "2025-01/2025-08")]
    [InlineData("last year", "2024")]
    [InlineData("this year", "2025")]
    public void English_periods_take_the_contract_format(string period, string expected)
    {
        var claim = OnlyClaim($"Trade turnover between Azerbaijan and Kazakhstan reached $470 million {period}.", new DateOnly(2025, 10, 18));

        Assert.Equal(expected, claim.Period);
    }

    [Theory]
    [InlineData("Товарооборот Азербайджана и Казахстана к 2030 году планируется довести до 1 млрд долларов.")]
    [InlineData("Әзербайжан мен Қазақстан 2030 жылға қарай тауар айналымын 1 млрд долларға жеткізуді жоспарлап отыр.")]
    [InlineData("Azerbaijan and Kazakhstan plan to bring trade turnover to $1 billion by 2030.")]
    public void Targets_carry_their_horizon_year(string text)
    {
        var claim = OnlyClaim(text, new DateOnly(2025, 10, 18));

        Assert.Equal("trade_turnover:AZ+KZ:2030", claim.ClaimId);
        Assert.Equal(Qualifiers.Target, claim.Qualifier);
        Assert.Equal(1_000_000_000m, claim.Value);
    }

    [Fact]
    public void Relative_year_without_a_publication_date_stays_without_a_period()
    {
        var claim = OnlyClaim("Товарооборот Азербайджана и Казахстана в прошлом году составил 470 млн долларов.", null);

        Assert.Null(claim.Period);
        Assert.Equal("trade_turnover:AZ+KZ:na", claim.ClaimId);
    }

    [Fact]
    public void A_figure_without_a_period_in_its_text_gets_none()
    {
        var claim = OnlyClaim("Казахстанские инвестиции в Азербайджан составили 136 млн долларов.", new DateOnly(2025, 10, 18));

        Assert.Null(claim.Period);
        Assert.Equal("investment:AZ+KZ:na:KZ->AZ", claim.ClaimId);
    }

    [Fact]
    public void The_baseline_of_a_comparison_is_not_the_period_of_the_figure()
    {
        var claim = OnlyClaim(
            "С января по август 2025 года товарооборот Азербайджана и Казахстана достиг 547 млн долларов по сравнению с аналогичным периодом прошлого года.",
            new DateOnly(2025, 10, 18));

        Assert.Equal("2025-01/2025-08", claim.Period);
    }
}
