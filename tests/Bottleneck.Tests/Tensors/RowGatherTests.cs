using Bottleneck.Tensors;
using FluentAssertions;

namespace Bottleneck.Tests.Tensors;

public class RowGatherTests
{
    // 37 rows: three runs of samples, the last partial, gathered from a shuffled order starting part way in.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_batch_holds_the_rows_the_order_names(int threads)
    {
        var source = new Tensor(100, 3);
        for (int i = 0; i < source.Length; i++) source[i] = i;
        var order = Enumerable.Range(0, 100).Reverse().ToArray();
        var batch = new Tensor(37, 3);
        using var pool = new WorkerPool(threads);
        RowGather.Gather(source, order, 50, batch, pool);
        for (int i = 0; i < 37; i++) batch.Row(i).ToArray().Should().Equal(source.Row(49 - i).ToArray(), $"row {i}");
        FluentActions.Invoking(() => RowGather.Gather(source, order, 70, batch, pool)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
