using Flip.FeatureStore.Events;

namespace Flip.Trainer.Online;

/// <summary>A window already scored (its logits kept) and waiting for its labels (<c>Trainer:LabelDelay</c>) before it is trained.</summary>
public sealed record PendingWindow(long Index, DateTime From, DateTime To, IReadOnlyList<ClickEvent> Events, float[] Logits, int LateEvents, int DroppedLateEvents)
{
    /// <summary>Writes pending windows (events and logits) in a small binary form.</summary>
    public static void SaveAll(string path, IEnumerable<PendingWindow> windows)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var w = new BinaryWriter(stream);
        var list = windows.ToList();
        w.Write(list.Count);
        foreach (var p in list)
        {
            w.Write(p.Index);
            w.Write(p.From.Ticks);
            w.Write(p.To.Ticks);
            w.Write(p.LateEvents);
            w.Write(p.DroppedLateEvents);
            w.Write(p.Events.Count);
            foreach (var e in p.Events)
            {
                w.Write(e.Id);
                w.Write(e.EventTime.Ticks);
                w.Write(e.Values.Length);
                foreach (var v in e.Values) w.Write(v);
                w.Write(e.Label);
            }
            foreach (var l in p.Logits) w.Write(l);
        }
    }

    public static List<PendingWindow> LoadAll(string path)
    {
        var list = new List<PendingWindow>();
        if (!File.Exists(path)) return list;
        using var r = new BinaryReader(File.OpenRead(path));
        int count = r.ReadInt32();
        for (int k = 0; k < count; k++)
        {
            long index = r.ReadInt64();
            var from = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
            var to = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
            int late = r.ReadInt32(), dropped = r.ReadInt32(), n = r.ReadInt32();
            var events = new ClickEvent[n];
            for (int i = 0; i < n; i++)
            {
                string id = r.ReadString();
                var time = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
                var values = new string[r.ReadInt32()];
                for (int f = 0; f < values.Length; f++) values[f] = r.ReadString();
                events[i] = new ClickEvent(id, time, values, r.ReadByte());
            }
            var logits = new float[n];
            for (int i = 0; i < n; i++) logits[i] = r.ReadSingle();
            list.Add(new PendingWindow(index, from, to, events, logits, late, dropped));
        }
        return list;
    }
}
