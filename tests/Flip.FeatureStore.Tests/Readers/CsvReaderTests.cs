using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

public sealed class CsvReaderTests
{
    private static List<(long Line, string[] Fields)> Parse(string text, char delimiter = ',')
    {
        using var csv = new CsvReader(new StringReader(text), delimiter, "t.csv");
        var result = new List<(long, string[])>();
        var fields = new List<string>();
        while (csv.ReadRecord(fields)) result.Add((csv.RecordLine, fields.ToArray()));
        return result;
    }

    [Fact]
    public void Plain_fields_split_on_the_delimiter()
    {
        var rows = Parse("a,b,c\n1,,3\n");
        Assert.Equal(["a", "b", "c"], rows[0].Fields);
        Assert.Equal(["1", "", "3"], rows[1].Fields);
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public void Quoted_fields_keep_delimiters_and_doubled_quotes()
    {
        var rows = Parse("\"a,b\",\"say \"\"hi\"\"\",\"\"\n");
        Assert.Equal(["a,b", "say \"hi\"", ""], Assert.Single(rows).Fields);
    }

    [Fact]
    public void Line_breaks_inside_quotes_are_data_and_lines_are_counted()
    {
        var rows = Parse("h1,h2\n\"two\nlines\",x\nlast,row\n");
        Assert.Equal(["two\nlines", "x"], rows[1].Fields);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal(4, rows[2].Line);
    }

    [Fact]
    public void Crlf_line_ends_and_a_missing_final_newline_are_handled()
    {
        var rows = Parse("a,b\r\nc,d");
        Assert.Equal(["a", "b"], rows[0].Fields);
        Assert.Equal(["c", "d"], rows[1].Fields);
        Assert.Equal(2, rows[1].Line);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted()
    {
        var rows = Parse("a\n\n\nb\n");
        Assert.Equal([1L, 4L], rows.Select(r => r.Line));
    }

    [Fact]
    public void Semicolon_delimited_dump_rows_parse()
    {
        var rows = Parse("\"User-ID\";\"Location\";\"Age\"\n\"2\";\"stockton, california, usa\";\"18\"\n", ';');
        Assert.Equal(["2", "stockton, california, usa", "18"], rows[1].Fields);
    }

    [Fact]
    public void Subset_user_rows_with_stray_quotes_parse_like_rfc_4180()
    {
        // A real BX-Users.csv line of the subset: the country is quoted with doubled quotes inside.
        var rows = Parse("8,timmins, ontario,\" canada\"\"\",\n19,weston, ,,\"14\"\"\"\n");
        Assert.Equal(["8", "timmins", " ontario", " canada\"", ""], rows[0].Fields);
        Assert.Equal(["19", "weston", " ", "", "14\""], rows[1].Fields);
    }

    [Fact]
    public void Quotes_inside_unquoted_fields_and_text_after_a_closing_quote_are_kept()
    {
        var rows = Parse("ab\"c, \\\"n/a\\\",\"x\"y\n");
        Assert.Equal(["ab\"c", " \\\"n/a\\\"", "xy"], Assert.Single(rows).Fields);
    }

    [Fact]
    public void An_unclosed_quote_is_an_error_naming_file_and_line()
    {
        var e = Assert.Throws<DatasetFormatException>(() => Parse("a,b\nc,\"never closed\nmore\n"));
        Assert.Equal("t.csv", e.File);
        Assert.Equal(2, e.Line);
        Assert.Contains("not closed", e.Problem);
    }

    [Fact]
    public void Empty_input_has_no_records()
    {
        Assert.Empty(Parse(""));
    }
}
