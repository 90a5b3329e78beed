using Apache.Arrow;
using Apache.Arrow.Types;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;

namespace Flip.FeatureStore.Tests.Store;

public class ArrowEventBatchTests
{
    private static readonly DatasetSchema Schema = SyntheticEvents.Schema;

    [Fact]
    public void Events_round_trip_through_a_record_batch()
    {
        var events = SyntheticEvents.Stream(25, SyntheticEvents.Start.AddTicks(1234560), TimeSpan.FromMinutes(7.3));
        using var batch = ArrowEventBatch.ToRecordBatch(Schema, events);

        Assert.Equal(25, batch.Length);
        SyntheticEvents.AssertSame(events, ArrowEventBatch.ToEvents(Schema, batch));
        Assert.Contains(ArrowEventBatch.ToEvents(Schema, batch), e => e.Values[2] == "Amélie (2001)");
    }

    [Fact]
    public void Batch_has_the_documented_column_types_and_schema_metadata()
    {
        using var batch = ArrowEventBatch.ToRecordBatch(Schema, SyntheticEvents.Stream(3, SyntheticEvents.Start, TimeSpan.FromSeconds(1)));
        var fields = batch.Schema.FieldsList;

        Assert.Equal(["id", "event_time", "user_id", "item_id", "title", "age", "label"], fields.Select(f => f.Name));
        var time = Assert.IsType<TimestampType>(fields[1].DataType);
        Assert.Equal(TimeUnit.Microsecond, time.Unit);
        Assert.Equal("UTC", time.Timezone);
        Assert.All(fields.Where(f => f.Name is not ("event_time" or "label")), f => Assert.IsType<StringType>(f.DataType));
        Assert.IsType<UInt8Type>(fields[^1].DataType);
        Assert.All(fields, f => Assert.False(f.IsNullable));
        Assert.Equal("synthetic", batch.Schema.Metadata[ArrowEventBatch.SchemaNameKey]);
        Assert.Equal("user_id,item_id,title,age", batch.Schema.Metadata[ArrowEventBatch.FieldNamesKey]);
    }

    [Fact]
    public void Times_keep_microseconds_and_drop_finer_ticks()
    {
        var time = new DateTime(2003, 2, 28, 17, 49, 50, DateTimeKind.Utc).AddTicks(1_234_567); // .1234567 s
        using var batch = ArrowEventBatch.ToRecordBatch(Schema, [SyntheticEvents.Event(1, time)]);
        Assert.Equal(time.AddTicks(-7), ArrowEventBatch.ToEvents(Schema, batch)[0].EventTime);
    }

    [Fact]
    public void Dictionary_encoded_strings_and_int8_labels_are_read()
    {
        var titles = new StringArray.Builder().AppendRange(["Amélie", "Heat"]).Build();
        var indices = new Int32Array.Builder().AppendRange([1, 0, 1]).Build();
        var dictionaryTitles = new DictionaryArray(new DictionaryType(Int32Type.Default, StringType.Default, false), indices, titles);
        var times = new TimestampArray.Builder(new TimestampType(TimeUnit.Microsecond, "UTC"));
        for (int i = 0; i < 3; i++) times.Append(new DateTimeOffset(SyntheticEvents.Start.AddSeconds(i)));
        var schema = new Apache.Arrow.Schema.Builder()
            .Field(f => f.Name("id").DataType(StringType.Default))
            .Field(f => f.Name("event_time").DataType(new TimestampType(TimeUnit.Microsecond, "UTC")))
            .Field(f => f.Name("user_id").DataType(StringType.Default))
            .Field(f => f.Name("item_id").DataType(StringType.Default))
            .Field(f => f.Name("title").DataType(dictionaryTitles.Data.DataType))
            .Field(f => f.Name("age").DataType(StringType.Default))
            .Field(f => f.Name("label").DataType(Int8Type.Default))
            .Build();
        IArrowArray Strings(params string[] v) => new StringArray.Builder().AppendRange(v).Build();
        using var batch = new RecordBatch(schema,
            [Strings("a", "b", "c"), times.Build(), Strings("u1", "u2", "u3"), Strings("i1", "i2", "i3"), dictionaryTitles,
             Strings("25", "35", "45"), new Int8Array.Builder().AppendRange([1, 0, 1]).Build()], 3);

        var events = ArrowEventBatch.ToEvents(Schema, batch);

        Assert.Equal(["Heat", "Amélie", "Heat"], events.Select(e => e.Values[2]));
        Assert.Equal([1, 0, 1], events.Select(e => (int)e.Label));
        Assert.Equal(SyntheticEvents.Start.AddSeconds(2), events[2].EventTime);
    }

    [Fact]
    public void A_batch_for_another_schema_is_refused()
    {
        var other = new DatasetSchema("other", [new FieldSchema("user_id", "user id")], new LabelRule(3));
        using var batch = ArrowEventBatch.ToRecordBatch(other, [new ClickEvent("x", SyntheticEvents.Start, ["u"], 1)]);
        var error = Assert.Throws<ArgumentException>(() => ArrowEventBatch.ToEvents(Schema, batch));
        Assert.Contains("'other'", error.Message);
    }

    [Fact]
    public void Events_the_store_cannot_hold_are_refused_with_their_id()
    {
        Assert.Contains("'bad1'", Assert.Throws<ArgumentException>(() =>
            ArrowEventBatch.ToRecordBatch(Schema, [new ClickEvent("bad1", SyntheticEvents.Start, ["u", "i"], 0)])).Message);
        Assert.Contains("'title' is null", Assert.Throws<ArgumentException>(() =>
            ArrowEventBatch.ToRecordBatch(Schema, [new ClickEvent("bad2", SyntheticEvents.Start, ["u", "i", null!, "1"], 0)])).Message);
        Assert.Contains("label 2", Assert.Throws<ArgumentException>(() =>
            ArrowEventBatch.ToRecordBatch(Schema, [new ClickEvent("bad3", SyntheticEvents.Start, ["u", "i", "t", "1"], 2)])).Message);
        Assert.Contains("local time", Assert.Throws<ArgumentException>(() =>
            ArrowEventBatch.ToRecordBatch(Schema, [new ClickEvent("bad4", DateTime.Now, ["u", "i", "t", "1"], 0)])).Message);
    }

    [Fact]
    public void A_field_named_like_a_store_column_is_refused()
    {
        var clash = new DatasetSchema("clash", [new FieldSchema("label", "label")], new LabelRule(3));
        Assert.Throws<ArgumentException>(() => ArrowEventBatch.ArrowSchema(clash));
    }

    [Fact]
    public void An_empty_list_gives_an_empty_batch()
    {
        using var batch = ArrowEventBatch.ToRecordBatch(Schema, []);
        Assert.Equal(0, batch.Length);
        Assert.Empty(ArrowEventBatch.ToEvents(Schema, batch));
    }
}
