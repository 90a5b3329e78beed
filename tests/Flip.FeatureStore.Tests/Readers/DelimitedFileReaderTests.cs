using System.Text;
using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

public sealed class DelimitedFileReaderTests
{
    private static List<(long Line, string[] Fields)> ReadAll(string path, Encoding encoding, string separator, int maxFields)
    {
        using var r = new DelimitedFileReader(path, encoding, separator, maxFields);
        var rows = new List<(long, string[])>();
        while (r.ReadNext()) rows.Add((r.LineNumber, Enumerable.Range(0, Math.Min(r.FieldCount, maxFields)).Select(r.FieldString).ToArray()));
        return rows;
    }

    [Fact]
    public void Crlf_blank_lines_and_a_missing_final_newline_are_handled()
    {
        using var dir = new FixtureFolder().Write("a.dat", "1::a\r\n\r\n\n2::Zoé\n3::c");
        var rows = ReadAll(dir.File("a.dat"), Encoding.Latin1, "::", 2);
        Assert.Equal([1L, 4L, 5L], rows.Select(r => r.Line));
        Assert.Equal(["1", "a"], rows[0].Fields);
        Assert.Equal(["2", "Zoé"], rows[1].Fields);
        Assert.Equal(["3", "c"], rows[2].Fields);
    }

    [Fact]
    public void Lines_longer_than_the_read_buffer_and_many_lines_across_buffer_edges_are_whole()
    {
        string longField = new('x', 200_000);
        var text = new StringBuilder($"0|{longField}\n");
        for (int i = 1; i <= 30_000; i++) text.Append(i).Append('|').Append(i * 7).Append('\n');
        using var dir = new FixtureFolder().Write("b.dat", text.ToString());
        var rows = ReadAll(dir.File("b.dat"), Encoding.Latin1, "|", 2);
        Assert.Equal(30_001, rows.Count);
        Assert.Equal(longField, rows[0].Fields[1]);
        Assert.All(rows.Skip(1), r => Assert.Equal((int.Parse(r.Fields[0]) * 7).ToString(), r.Fields[1]));
    }

    [Fact]
    public void Too_many_fields_are_reported_as_such()
    {
        using var dir = new FixtureFolder().Write("c.dat", "1\t2\t3\t4\n");
        using var r = new DelimitedFileReader(dir.File("c.dat"), Encoding.Latin1, "\t", 2);
        Assert.True(r.ReadNext());
        Assert.Equal("expected 2 fields separated by '\\t' but found more than 2", r.CheckFieldCount(2));
        Assert.Equal("1\t2\t3\t4", r.Line);
    }

    [Fact]
    public void Utf8_byte_order_mark_is_skipped_and_bad_bytes_name_the_line()
    {
        using var dir = new FixtureFolder().Write("d.dat", "é|1\n", new UTF8Encoding(true));
        Assert.Equal(["é", "1"], ReadAll(dir.File("d.dat"), new UTF8Encoding(false, true), "|", 2).Single().Fields);

        File.WriteAllBytes(dir.File("e.dat"), [(byte)'a', (byte)'\n', 0xFF, (byte)'\n']);
        var e = Assert.Throws<DatasetFormatException>(() => ReadAll(dir.File("e.dat"), new UTF8Encoding(false, true), "|", 2));
        Assert.Equal(("e.dat", 2L), (e.File, e.Line));
    }
}
