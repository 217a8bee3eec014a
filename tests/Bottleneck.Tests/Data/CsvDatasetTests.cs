using Bottleneck.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

public class CsvDatasetTests
{
    private static Dataset Read(string text) => CsvDataset.Read(new StringReader(text), "data.csv", LabelColumn.Named);

    [Fact]
    public void Header_and_label_column_are_recognised()
    {
        var d = Read("a,b,label\n1,2,0\n3,4.5,1\n");
        d.Count.Should().Be(2);
        d.FeatureCount.Should().Be(2);
        d.Features.Data.Should().Equal(1f, 2f, 3f, 4.5f);
        d.Labels.Should().Equal(0, 1);
    }

    // A first row with an empty first cell is data with a hole, not a header to skip silently.
    [Fact]
    public void A_first_row_with_an_empty_cell_is_data_not_a_header() =>
        FluentActions.Invoking(() => Read(",1,2\n3,4,5\n")).Should().Throw<DataFormatException>()
            .WithMessage("data.csv line 1, column 1: '' is not a number");

    [Fact]
    public void Headerless_csv_is_all_features()
    {
        var d = Read("1,2\n3,4\n");
        d.FeatureCount.Should().Be(2);
        d.Labels.Should().BeNull();
    }

    [Fact]
    public void Ragged_row_names_the_line_and_both_counts() =>
        FluentActions.Invoking(() => Read("1,2,3\n4,5,6\n7,8\n")).Should().Throw<DataFormatException>()
            .WithMessage("data.csv line 3 has 2 values, expected 3");

    [Fact]
    public void Non_numeric_value_names_line_and_column() =>
        FluentActions.Invoking(() => Read("1,2\n3,abc\n")).Should().Throw<DataFormatException>()
            .WithMessage("data.csv line 2, column 2: 'abc' is not a number");

    [Fact]
    public void NaN_and_infinity_are_rejected()
    {
        FluentActions.Invoking(() => Read("1,2\nNaN,4\n")).Should().Throw<DataFormatException>().WithMessage("*line 2, column 1*not a finite value*");
        FluentActions.Invoking(() => Read("1,2\n3,1e999\n")).Should().Throw<DataFormatException>().WithMessage("*line 2, column 2*not a finite value*");
    }

    [Fact]
    public void Empty_file_and_header_only_file_are_rejected()
    {
        FluentActions.Invoking(() => Read("")).Should().Throw<DataFormatException>().WithMessage("data.csv holds no data rows");
        FluentActions.Invoking(() => Read("a,b\n")).Should().Throw<DataFormatException>().WithMessage("data.csv holds no data rows");
    }

    [Fact]
    public void Embedded_digits_have_the_published_shape_and_labels()
    {
        var d = Digits.Load();
        d.Count.Should().Be(1797);
        d.FeatureCount.Should().Be(64);
        d.Labels!.Distinct().Order().Should().Equal(Enumerable.Range(0, 10));
        d.Features.Data.Min().Should().Be(0);
        d.Features.Data.Max().Should().Be(16);
    }
}
