namespace WebAvatar.Transport.WebRtc.Rtcp;

/// <summary>64-bit NTP timestamps (RFC 3550 §4): seconds since 1900 in the high word, fraction in the low word.</summary>
public static class NtpTime
{
    private static readonly DateTimeOffset Epoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ulong FromDateTime(DateTimeOffset time)
    {
        long ticks = (time - Epoch).Ticks;
        ulong seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        ulong fraction = (ulong)((ticks % TimeSpan.TicksPerSecond) * (double)(1UL << 32) / TimeSpan.TicksPerSecond);
        return (seconds << 32) | fraction;
    }

    /// <summary>The middle 32 bits, the form LSR and DLSR use (units of 1/65536 s).</summary>
    public static uint Middle32(ulong ntp) => (uint)(ntp >> 16);
}
