using System.Collections.Concurrent;

namespace Flip.FeatureStore.Text;

/// <summary>
/// Token ids of field values, cached per field because values repeat heavily (a user id or title recurs in
/// every row of that user or movie). Thread-safe; each field holds at most a fixed number of values, after which
/// new values are tokenized on every call instead of cached.
/// </summary>
public sealed class FieldTokenCache
{
    private readonly BertWordPieceTokenizer _tokenizer;
    private readonly ConcurrentDictionary<string, int[]>[] _byField;
    private readonly int[] _counts;
    private readonly int _capacityPerField;
    private long _misses;

    public FieldTokenCache(BertWordPieceTokenizer tokenizer, int fieldCount, int capacityPerField)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityPerField);
        _tokenizer = tokenizer;
        _capacityPerField = capacityPerField;
        _byField = new ConcurrentDictionary<string, int[]>[fieldCount];
        for (int f = 0; f < fieldCount; f++) _byField[f] = new ConcurrentDictionary<string, int[]>(StringComparer.Ordinal);
        _counts = new int[fieldCount];
    }

    /// <summary>Calls that had to run the tokenizer (first sight of a value, or a full field).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Values cached for a field.</summary>
    public int CountOf(int field) => Volatile.Read(ref _counts[field]);

    /// <summary>Token ids of a field's value (no special tokens). The same cached memory is returned on every hit.</summary>
    public ReadOnlyMemory<int> Get(int field, string value) => GetArray(field, value);

    /// <summary>Empties the cache (for cold-cache measurements).</summary>
    public void Clear()
    {
        for (int f = 0; f < _byField.Length; f++)
        {
            _byField[f].Clear();
            Volatile.Write(ref _counts[f], 0);
        }
        Interlocked.Exchange(ref _misses, 0);
    }

    /// <summary>The cached array itself; callers must not modify it.</summary>
    internal int[] GetArray(int field, string value)
    {
        var cache = _byField[field];
        if (cache.TryGetValue(value, out var tokens)) return tokens;
        Interlocked.Increment(ref _misses);
        tokens = _tokenizer.Encode(value);
        if (Volatile.Read(ref _counts[field]) < _capacityPerField)
        {
            // Two threads may tokenize the same new value at once; both get equal tokens and the first one is kept.
            var kept = cache.GetOrAdd(value, tokens);
            if (ReferenceEquals(kept, tokens)) Interlocked.Increment(ref _counts[field]);
            return kept;
        }
        return tokens;
    }
}
