using ScottPlot;

namespace Flip.Demo;

/// <summary>
/// The run as a picture: prequential AUC (trainer), live AUC of served scores (front end and scorer) on the left axis,
/// and the served model's freshness (newest click it learned from -> served, and its age) on the right axis, over wall time.
/// </summary>
public static class DemoChart
{
    public static void Write(DemoReport report, string path)
    {
        var snapshots = report.Snapshots;
        var plot = new Plot();
        plot.Title($"flip demo: {report.DatasetEvents:N0} MovieLens-1M events, {report.LiveEvents:N0} live at {report.Speedup:N0}x");
        plot.XLabel("wall time (s)");
        plot.YLabel("AUC");
        plot.Axes.Right.Label.Text = "freshness (s)";

        AddLine(plot, snapshots, s => s.PrequentialAuc, "prequential AUC (trainer, last window)", right: false);
        AddLine(plot, snapshots, s => s.FrontEndLiveAuc, "live AUC of served scores (front end, last 5,000)", right: false);
        AddLine(plot, snapshots, s => s.ScorerLiveAuc, "live AUC (scorer, served version)", right: false);
        AddLine(plot, snapshots, s => s.ClickToTrained is { } c && s.TrainedToServed is { } t ? (c + t).TotalSeconds : double.NaN,
            "click -> served (s)", right: true);
        AddLine(plot, snapshots, s => s.ModelAge?.TotalSeconds ?? double.NaN, "served model age (s)", right: true);
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, 1200, 650);
    }

    static void AddLine(Plot plot, IReadOnlyList<DemoSnapshot> snapshots, Func<DemoSnapshot, double> value, string label, bool right)
    {
        var points = snapshots.Select(s => (X: s.Elapsed.TotalSeconds, Y: value(s))).Where(p => !double.IsNaN(p.Y) && !double.IsInfinity(p.Y)).ToList();
        if (points.Count == 0) return;
        var line = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        line.LegendText = label;
        line.LineWidth = 2;
        if (right) line.Axes.YAxis = plot.Axes.Right;
    }
}
