namespace WebAvatar.Transport.WebRtc.Srtp;

/// <summary>A 64-packet sliding replay window (RFC 3711 §3.3.2) over 48-bit SRTP or 31-bit SRTCP indices.</summary>
internal struct ReplayWindow
{
    private const int Size = 64;
    private ulong _highest;
    private ulong _bitmap;
    private bool _initialised;

    public readonly ulong Highest => _highest;

    public readonly bool Initialised => _initialised;

    /// <summary>True when <paramref name="index"/> is new and not too old; does not record it.</summary>
    public readonly bool IsAcceptable(ulong index)
    {
        if (!_initialised || index > _highest)
        {
            return true;
        }

        ulong age = _highest - index;
        return age < Size && (_bitmap & (1UL << (int)age)) == 0;
    }

    /// <summary>Records an authenticated index.</summary>
    public void Accept(ulong index)
    {
        if (!_initialised)
        {
            _initialised = true;
            _highest = index;
            _bitmap = 1;
            return;
        }

        if (index > _highest)
        {
            ulong shift = index - _highest;
            _bitmap = shift >= Size ? 1 : (_bitmap << (int)shift) | 1;
            _highest = index;
        }
        else
        {
            _bitmap |= 1UL << (int)(_highest - index);
        }
    }
}
