using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Flip.Scorer.Http;

/// <summary>A request body read into a pooled buffer (return it with <see cref="Dispose"/>).</summary>
internal sealed class RequestBody : IDisposable
{
    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    /// <summary>An oversized body is read up to this many times the limit before the 413 is sent.</summary>
    public const int DrainFactor = 4;

    public int Length { get; }
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Reads the whole body, or returns null as soon as it exceeds <paramref name="maxBytes"/> (declared or actual).</summary>
    public static async Task<RequestBody?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes) return null;
        int initial = request.ContentLength is { } known ? (int)Math.Max(known, 16) : 4096;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(initial, maxBytes + 1));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes) break;
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > maxBytes) break;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (length > maxBytes)
        {
            // Read (and drop) the rest, up to DrainFactor x the limit, so the client finishes sending and sees the 413
            // instead of a connection reset; beyond that Kestrel's own limit closes the connection.
            try
            {
                long drained = length;
                while (drained <= (long)maxBytes * DrainFactor)
                {
                    int read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    drained += read;
                }
            }
            catch (Exception e) when (e is IOException or Microsoft.AspNetCore.Http.BadHttpRequestException) { }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            return null;
        }
        return new RequestBody(buffer, length);
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
