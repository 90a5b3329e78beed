namespace Flip.Registry;

/// <summary>
/// One line of <c>evaluation.jsonl</c>: the prequential evaluation of one window (scored by the model before it trained
/// on the window). <see cref="Auc"/> is null when the window holds one class only.
/// </summary>
/// <param name="Window">Index of the window, 0 for the first; consecutive in the log.</param>
/// <param name="From">Event time of the window's start (inclusive).</param>
/// <param name="To">Event time of the window's end (exclusive).</param>
/// <param name="Count">Events in the window.</param>
/// <param name="Calibration">Mean prediction divided by the observed click rate.</param>
/// <param name="Version">The model version published after training on this window, or null when none was.</param>
public sealed record WindowEvaluation(
    long Window, DateTime From, DateTime To, long Count, double? Auc, double Logloss, double Calibration, string? Version)
{
    /// <summary>Wall-clock time the window finished training.</summary>
    public DateTime TrainedUtc { get; init; }

    /// <summary>The model kind that was evaluated.</summary>
    public string? Kind { get; init; }
}
