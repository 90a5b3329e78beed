using Flip.Scorer.Models;

namespace Flip.Scorer.Quality;

/// <summary>
/// The outcome of a new version's probation: its live AUC and its predecessor's over the same <see cref="Events"/> joined
/// events. <see cref="RollBack"/> when the new one is worse by more than <see cref="ScorerOptions.RollbackAucDrop"/>.
/// The receiver owns the reference on <see cref="Predecessor"/> (it serves it again, or releases it).
/// </summary>
public sealed record ProbationVerdict(string NewVersion, ServedModel Predecessor, int Events, double NewAuc, double PredecessorAuc, bool RollBack);
