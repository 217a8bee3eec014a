using Bottleneck.Data;
using Bottleneck.Search;
using Bottleneck.Training;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

public class SearchSpaceTests
{
    [Fact]
    public void Grid_is_every_combination_with_the_first_setting_varying_slowest()
    {
        var grid = SearchSpace.Grid("lr=5e-2,1e-2,5e-3;weight-decay=5e-4,1e-4");
        grid.Select(t => t.ToString()).Should().Equal(
            "lr=0.05 weight-decay=0.0005", "lr=0.05 weight-decay=0.0001",
            "lr=0.01 weight-decay=0.0005", "lr=0.01 weight-decay=0.0001",
            "lr=0.005 weight-decay=0.0005", "lr=0.005 weight-decay=0.0001");
        grid[0].Key.Should().Be("{\"lr\":0.05,\"weight-decay\":0.0005}");
    }

    [Fact]
    public void Equal_values_written_differently_give_the_same_trial()
    {
        SearchSpace.Grid("lr=1e-2")[0].Key.Should().Be(SearchSpace.Grid("lr=0.010")[0].Key);
        TrialParams.FromJson(SearchSpace.Grid("lr=1e-2;optimizer=adam")[0].Key).Key.Should().Be(SearchSpace.Grid("lr=0.01;optimizer=adam")[0].Key);
    }

    [Fact]
    public void Denoising_and_the_code_penalty_are_searchable_and_reach_each_trial()
    {
        var grid = SearchSpace.Grid("denoise=none,Noise:0.30+BLOCK:0.25;code-l1=0,1e-2");
        grid.Select(t => t.ToString()).Should().Equal(
            "denoise=none code-l1=0", "denoise=none code-l1=0.01",
            "denoise=noise:0.3+block:0.25 code-l1=0", "denoise=noise:0.3+block:0.25 code-l1=0.01");
        var digits = Digits.Load();
        var study = new StudySettings { Dataset = "digits", Model = "dense", Denoise = Denoising.Parse("occlusion:0.5"), CodeL1 = 0.2 };
        var runner = new TrialRunner(study, digits, digits, store: null);
        var none = runner.SettingsFor(grid[0], 1, 1);
        none.Denoise.Should().BeNull("the trial's 'none' overrides the study's denoising");
        none.CodeL1.Should().Be(0);
        var both = runner.SettingsFor(grid[3], 1, 1);
        both.Denoise!.ToString().Should().Be("noise:0.3+block:0.25");
        both.CodeL1.Should().Be(0.01);
        var unset = runner.SettingsFor(SearchSpace.Grid("lr=1e-3")[0], 1, 1);
        unset.Denoise!.ToString().Should().Be("occlusion:0.5", "a trial that does not set it keeps the study's");
        unset.CodeL1.Should().Be(0.2);
    }

    [Theory]
    [InlineData("denoise=salt:0.1", "unknown corruption")]
    [InlineData("code-l1=-1", "code-l1 must be ≥ 0")]
    public void A_bad_denoising_or_penalty_value_is_refused(string spec, string message)
    {
        var act = () => SearchSpace.Grid(spec);
        act.Should().Throw<ArgumentException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void Random_search_draws_distinct_trials_inside_the_bounds_and_repeats_for_a_seed()
    {
        var trials = SearchSpace.Random("lr=loguniform(1e-4,5e-2);code-size=int(2,30);optimizer=choice(adam,rmsprop)", 20, seed: 3);
        trials.Should().HaveCount(20);
        trials.Select(t => t.Key).Distinct().Should().HaveCount(20);
        trials.Should().OnlyContain(t => double.Parse(t["lr"], System.Globalization.CultureInfo.InvariantCulture) >= 1e-4
                                         && double.Parse(t["lr"], System.Globalization.CultureInfo.InvariantCulture) <= 5e-2);
        trials.Should().OnlyContain(t => int.Parse(t["code-size"]) >= 2 && int.Parse(t["code-size"]) <= 30);
        trials.Select(t => t["optimizer"]).Distinct().Should().BeEquivalentTo("adam", "rmsprop");
        SearchSpace.Random("lr=loguniform(1e-4,5e-2);code-size=int(2,30);optimizer=choice(adam,rmsprop)", 20, seed: 3)
            .Select(t => t.Key).Should().Equal(trials.Select(t => t.Key));
    }

    [Theory]
    [InlineData("lr=abc", "lr: 'abc' is not a number")]
    [InlineData("lr=-1", "lr must be positive, got -1")]
    [InlineData("momentum=0.9", "'momentum' cannot be searched*")]
    [InlineData("lr=1e-2;lr=1e-3", "'lr' appears twice*")]
    [InlineData("optimizer=adamm", "unknown optimizer 'adamm'*")]
    [InlineData("code-size=2.5", "code-size must be a whole number*")]
    [InlineData("lr=loguniform(0,1)", "lr: loguniform needs positive bounds")]
    [InlineData("", "the search space is empty*")]
    public void A_bad_search_space_is_one_clear_error(string spec, string message) =>
        FluentActions.Invoking(() => spec.Contains("uniform") ? SearchSpace.Random(spec, 3, 0) : SearchSpace.Grid(spec))
            .Should().Throw<ArgumentException>().WithMessage(message);
}
