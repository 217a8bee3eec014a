using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Tensors;

public class RowGatherTests
{
    // 37 rows of 500 values: three runs of samples, the last partial, enough values to go parallel, gathered from a
    // shuffled order starting part way in; and 37 rows of 3, which one thread gathers.
    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 500)]
    [InlineData(2, 3)]
    public void A_batch_holds_the_rows_the_order_names(int threads, int features)
    {
        var source = new Tensor(100, features);
        for (int i = 0; i < source.Length; i++) source[i] = i;
        var order = Enumerable.Range(0, 100).Reverse().ToArray();
        var batch = new Tensor(37, features);
        using var pool = new WorkerPool(threads);
        RowGather.Gather(source, order, 50, batch, pool);
        for (int i = 0; i < 37; i++) batch.Row(i).ToArray().Should().Equal(source.Row(49 - i).ToArray(), $"row {i}");
        FluentActions.Invoking(() => RowGather.Gather(source, order, 70, batch, pool)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
