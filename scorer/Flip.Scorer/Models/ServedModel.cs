using Flip.Registry;

namespace Flip.Scorer.Models;

/// <summary>
/// A verified, warmed model version with a reference count. The slot that serves it holds one reference; every request
/// holds one while it is scored (<see cref="TryAcquire"/> / <see cref="Release"/>). The model is disposed when the last
/// reference goes, so requests in flight during a swap finish on the old model and it is freed right after.
/// </summary>
public sealed class ServedModel
{
    private readonly IScoringModel _model;
    private int _references = 1;

    public ServedModel(PublishedModel published, IScoringModel model)
    {
        Published = published;
        _model = model;
    }

    public PublishedModel Published { get; }
    public string Version => Published.Version;
    public string Kind => Published.Manifest.Kind;
    public ModelManifest Manifest => Published.Manifest;
    public IScoringModel Model => _model;

    /// <summary>True once the last reference was released and the model freed.</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>Takes a reference unless the model was already freed.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            int current = Volatile.Read(ref _references);
            if (current == 0) return false;
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current) return true;
        }
    }

    /// <summary>Drops a reference; the last one disposes the model.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0) _model.Dispose();
        else if (left < 0) throw new InvalidOperationException($"Model {Version} was released more often than acquired.");
    }
}
