using System.Collections;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// Remembers (user, item) pairs of non-negative int ids so that a repeated rating is caught (event ids must stay
/// unique). Dense id ranges, as in MovieLens, use a bitmap (ML-1M: 6,041 x 3,953 bits = 3 MB), which is several times
/// faster than hashing half a million pairs; larger ranges fall back to a hash set.
/// </summary>
internal sealed class PairSet
{
    /// <summary>Largest bitmap used, in bits (32 MiB).</summary>
    private const long MaxBitmapBits = 1L << 28;

    private readonly BitArray? _bits;
    private HashSet<long>? _hashed;
    private readonly int _width, _maxFirst;

    /// <param name="maxFirst">Largest first id that will be added.</param>
    /// <param name="maxSecond">Largest second id that will be added.</param>
    public PairSet(int maxFirst, int maxSecond)
    {
        long bits = ((long)maxFirst + 1) * ((long)maxSecond + 1);
        if (maxFirst >= 0 && maxSecond >= 0 && bits <= MaxBitmapBits)
        {
            _bits = new BitArray((int)bits);
            _width = maxSecond + 1;
            _maxFirst = maxFirst;
        }
    }

    /// <summary>Adds the pair; false when it was already there. Ids outside the bitmap's range go to the hash set.</summary>
    public bool Add(int first, int second)
    {
        if (_bits is not null && (uint)first <= (uint)_maxFirst && (uint)second < (uint)_width)
        {
            int at = first * _width + second;
            if (_bits[at]) return false;
            _bits[at] = true;
            return true;
        }
        // Multiplying by an odd constant is a bijection on 64 bits, and spreads the bits that long.GetHashCode folds.
        _hashed ??= new HashSet<long>();
        return _hashed.Add(unchecked((((long)first << 32) | (uint)second) * -7046029254386353131L));
    }
}
