namespace Flip.Scorer.Models;

/// <summary>
/// The version being served. <see cref="Swap"/> replaces it atomically: a request that acquired the old one keeps it until
/// it releases it; new requests get the new one. Never blocks the request path.
/// </summary>
public sealed class ModelSlot : IDisposable
{
    private ServedModel? _current;

    /// <summary>The serving model without taking a reference (for reading its manifest), or null before the first load.</summary>
    public ServedModel? Current => Volatile.Read(ref _current);

    /// <summary>A reference on the serving model (release it when done), or null before the first load.</summary>
    public ServedModel? Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref _current);
            if (model is null) return null;
            if (model.TryAcquire()) return model;
            // Lost a race with a swap that released the last reference: the slot already holds the next model.
        }
    }

    /// <summary>Serves <paramref name="next"/> (the slot takes over its initial reference) and drops the slot's reference on the previous one.</summary>
    public ServedModel? Swap(ServedModel next)
    {
        var previous = Interlocked.Exchange(ref _current, next);
        previous?.Release();
        return previous;
    }

    public void Dispose()
    {
        var last = Interlocked.Exchange(ref _current, null);
        last?.Release();
    }
}
