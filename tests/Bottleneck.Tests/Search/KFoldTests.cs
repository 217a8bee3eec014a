using Bottleneck.Search;
using FluentAssertions;

namespace Bottleneck.Tests.Search;

public class KFoldTests
{
    [Fact]
    public void Folds_match_sklearn_kfold_with_shuffle()
    {
        foreach (var c in Fixture.Cases("kfold.json"))
        {
            var folds = KFold.Split(c.GetProperty("n").GetInt32(), c.GetProperty("k").GetInt32(), (uint)c.GetProperty("seed").GetInt64());
            var expected = c.GetProperty("folds").EnumerateArray().ToList();
            folds.Should().HaveCount(expected.Count);
            for (int f = 0; f < folds.Count; f++)
            {
                folds[f].Validation.Should().Equal(Fixture.Ints(expected[f].GetProperty("validation")));
                folds[f].Train.Should().Equal(Fixture.Ints(expected[f].GetProperty("train")));
            }
        }
    }

    [Fact]
    public void Fewer_samples_than_folds_is_rejected() =>
        FluentActions.Invoking(() => KFold.Split(2, 3, 0)).Should().Throw<ArgumentException>().WithMessage("*2 samples*3 folds*");
}
