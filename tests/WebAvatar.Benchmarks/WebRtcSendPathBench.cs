using System.Diagnostics;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using WebAvatar.Transport.WebRtc.Rtp;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Benchmarks;

/// <summary>WebRTC send path: SRTP protect per 1200-byte packet (both profiles) and H.264 packetisation of a 30 kB frame.</summary>
[MemoryDiagnoser]
public class WebRtcSendPathBench : IRtpPayloadSink
{
    private readonly byte[] _packet = new byte[1300];
    private readonly byte[] _frame = new byte[30_000];
    private readonly H264Packetizer _packetizer = new();
    private SrtpContext _cm = null!;
    private SrtpContext _gcm = null!;
    private ushort _seq;
    private int _payloads;

    [GlobalSetup]
    public void Setup()
    {
        _cm = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14));
        _gcm = new SrtpContext(SrtpProfile.AeadAes128Gcm, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));
        RandomNumberGenerator.Fill(_frame);
        _frame[0] = 0; _frame[1] = 0; _frame[2] = 0; _frame[3] = 1; _frame[4] = 0x65;
        for (int i = 5; i < _frame.Length; i++)
        {
            _frame[i] |= 1; // no accidental start codes
        }
    }

    [Benchmark]
    public int ProtectCm80() => Protect(_cm);

    [Benchmark]
    public int ProtectGcm() => Protect(_gcm);

    [Benchmark]
    public int PacketizeH264Frame30k()
    {
        _payloads = 0;
        _packetizer.Packetize(_frame, this);
        return _payloads;
    }

    public void OnPayload(ReadOnlySpan<byte> payload, bool endOfFrame) => _payloads++;

    /// <summary>`bench webrtc-send`: quick packets-per-second table without the BenchmarkDotNet harness.</summary>
    public static Task RunReportAsync(string[] args)
    {
        var bench = new WebRtcSendPathBench();
        bench.Setup();
        Console.WriteLine("| operation | per op (µs) | ops/s | allocated/op |");
        Console.WriteLine("|---|---|---|---|");
        Measure("SRTP protect AES128_CM_HMAC_SHA1_80, 1200 B", () => bench.ProtectCm80());
        Measure("SRTP protect AEAD_AES_128_GCM, 1200 B", () => bench.ProtectGcm());
        Measure("H.264 FU-A packetise 30 kB frame", () => bench.PacketizeH264Frame30k());
        return Task.CompletedTask;
    }

    private static void Measure(string name, Func<int> op)
    {
        for (int i = 0; i < 2000; i++)
        {
            op();
        }

        const int n = 50_000;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            op();
        }

        sw.Stop();
        double us = sw.Elapsed.TotalMilliseconds * 1000 / n;
        Console.WriteLine($"| {name} | {us:F2} | {1e6 / us:F0} | {(GC.GetAllocatedBytesForCurrentThread() - allocated) / n} B |");
    }

    private int Protect(SrtpContext context)
    {
        RtpHeader.Write(_packet, 96, false, _seq++, 0, 1);
        return context.ProtectRtp(_packet, 1212);
    }
}
