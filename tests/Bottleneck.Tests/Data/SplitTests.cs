using Bottleneck.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

public class SplitTests
{
    [Fact]
    public void Split_matches_sklearn_train_test_split_indices()
    {
        var cases = Fixture.Load("split.json").GetProperty("train_test_split").EnumerateArray().ToList();
        cases.Should().Contain(c => c.GetProperty("n").GetInt32() == 1797 && c.GetProperty("random_state").GetInt64() == 42);
        foreach (var c in cases)
        {
            var (train, test) = TrainTestSplit.Indices(c.GetProperty("n").GetInt32(), c.GetProperty("test_size").GetDouble(),
                                                       (uint)c.GetProperty("random_state").GetInt64());
            test.Should().Equal(Fixture.Ints(c.GetProperty("test")));
            train.Should().Equal(Fixture.Ints(c.GetProperty("train")));
        }
    }

    [Fact]
    public void A_split_that_leaves_one_side_empty_is_rejected()
    {
        var act = () => TrainTestSplit.Indices(1, 0.25, 42);
        act.Should().Throw<ArgumentException>().WithMessage("*empty*");
    }
}
