using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Media.Flv;
using WebAvatar.Media.Session;

namespace WebAvatar.Media.Rtmp;

/// <summary>
/// Relays one session's H.264 + AAC to one RTMP server: packets from a bounded subscription are muxed to
/// FLV in C# and piped into <c>ffmpeg -f flv -i pipe:0 -c copy -f flv rtmp://...</c>. When ffmpeg exits
/// (server gone, network error) the mirror waits (1 s doubling to 30 s by default) and starts again with
/// a fresh subscription, which begins at a requested keyframe with new sequence headers. The session never
/// waits for the mirror: a stalled pipe only makes this subscriber drop packets. Thread-safe.
/// </summary>
public sealed class RtmpMirror : IAsyncDisposable
{
    private static readonly MediaCodec[] Codecs = [MediaCodec.H264, MediaCodec.Aac];

    private readonly IEncodedMediaSource _source;
    private readonly Uri _target;
    private readonly RtmpMirrorSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private CancellationTokenSource? _stop;
    private Task _run = Task.CompletedTask;

    private RtmpMirrorState _state = RtmpMirrorState.Stopped;
    private string? _lastError;
    private int _reconnects;
    private long _sentFrames;
    private long _droppedEarlier;
    private IEncodedMediaSubscription? _subscription;
    private long? _streamingSince;
    private long _windowStart;
    private long _windowBytes;
    private double _bitrateKbps;
    private volatile string? _lastFfmpegError;

    public RtmpMirror(IEncodedMediaSource source, string targetUrl, RtmpMirrorSettings? settings = null, ILogger<RtmpMirror>? logger = null, TimeProvider? timeProvider = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _target = RtmpTarget.Parse(targetUrl);
        _settings = settings ?? new RtmpMirrorSettings();
        _logger = logger ?? NullLogger<RtmpMirror>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        Id = Guid.NewGuid().ToString("N")[..12];
    }

    public string Id { get; }

    public string SessionId => _source.SessionId;

    /// <summary>The full target URL, stream key included: keep it out of logs and UIs (use <see cref="Status"/>).</summary>
    public string TargetUrl => _target.OriginalString;

    public RtmpMirrorStatus Status
    {
        get
        {
            lock (_gate)
            {
                long now = _time.GetTimestamp();
                return new RtmpMirrorStatus(
                    Id,
                    SessionId,
                    RtmpTarget.Mask(TargetUrl),
                    _state,
                    _state == RtmpMirrorState.Streaming ? _bitrateKbps : 0,
                    Interlocked.Read(ref _sentFrames),
                    _droppedEarlier + (_subscription?.DroppedPackets ?? 0),
                    _streamingSince is { } since ? _time.GetElapsedTime(since, now) : TimeSpan.Zero,
                    _lastError,
                    _reconnects);
            }
        }
    }

    private bool IsStreaming
    {
        get
        {
            lock (_gate)
            {
                return _state == RtmpMirrorState.Streaming;
            }
        }
    }

    /// <summary>Starts relaying in the background; returns at once. Calling it while running does nothing.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_stop is not null)
            {
                return;
            }

            _stop = new CancellationTokenSource();
            _state = RtmpMirrorState.Connecting;
            _lastError = null;
            var token = _stop.Token;
            _run = Task.Run(() => RunAsync(token), CancellationToken.None);
        }

        _logger.LogInformation("RTMP mirror {Id} of session {Session} to {Target} started", Id, SessionId, RtmpTarget.Mask(TargetUrl));
    }

    /// <summary>Stops relaying: closes ffmpeg's input so it finishes the stream cleanly (killed after 3 s).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? stop;
        Task run;
        lock (_gate)
        {
            stop = _stop;
            _stop = null;
            run = _run;
        }

        if (stop is null)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await run.WaitAsync(cancellationToken).ConfigureAwait(false);
        stop.Dispose();
        SetState(RtmpMirrorState.Stopped);
        _logger.LogInformation("RTMP mirror {Id} of session {Session} stopped", Id, SessionId);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = _settings.ReconnectMin;
        while (!stop.IsCancellationRequested)
        {
            long attemptStart = _time.GetTimestamp();
            bool sessionEnded;
            try
            {
                sessionEnded = await RelayOnceAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                sessionEnded = false;
                RecordError(ex.Message);
            }

            if (sessionEnded)
            {
                RecordError("The session ended.");
                break;
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            if (_time.GetElapsedTime(attemptStart) >= _settings.StableAfter)
            {
                backoff = _settings.ReconnectMin;
            }

            lock (_gate)
            {
                _state = RtmpMirrorState.Reconnecting;
                _reconnects++;
            }

            _logger.LogWarning("RTMP mirror {Id} to {Target} lost ({Error}); retrying in {Delay}", Id, RtmpTarget.Mask(TargetUrl), _lastError, backoff);
            try
            {
                await Task.Delay(backoff, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = _settings.NextBackoff(backoff);
        }

        SetState(RtmpMirrorState.Stopped);
    }

    /// <summary>One ffmpeg run. Returns true when the session ended (nothing more will come), false when the relay failed.</summary>
    private async Task<bool> RelayOnceAsync(CancellationToken stop)
    {
        var subscription = _source.SubscribeChromaKeyed(Codecs, _settings.QueueCapacity);
        lock (_gate)
        {
            _subscription = subscription;
            _state = _reconnects == 0 ? RtmpMirrorState.Connecting : RtmpMirrorState.Reconnecting;
        }

        using var exited = CancellationTokenSource.CreateLinkedTokenSource(stop);
        FfmpegProcess? process = null;
        try
        {
            process = StartFfmpeg();
            _ = process.Exited.ContinueWith(_ => CancelQuietly(exited), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var (width, height) = _source is SessionMediaEncoder encoder ? encoder.VideoSize : (0, 0);
            var muxer = new FlvMuxer(process.Input, new FlvStreamInfo(width, height, MediaTiming.VideoFps, _settings.VideoBitrateKbps, HasAudio: true, _settings.AacBitrateKbps));
            try
            {
                var reader = subscription.Packets;
                long unconfirmedFrames = 0;
                while (await reader.WaitToReadAsync(exited.Token).ConfigureAwait(false))
                {
                    while (reader.TryRead(out var packet))
                    {
                        long before = muxer.BytesWritten;
                        bool written = await muxer.WriteAsync(packet, exited.Token).ConfigureAwait(false);
                        if (written && packet.Codec == MediaCodec.H264)
                        {
                            // Frames count as sent once ffmpeg confirms the server took the stream.
                            unconfirmedFrames++;
                            if (IsStreaming)
                            {
                                Interlocked.Add(ref _sentFrames, unconfirmedFrames);
                                unconfirmedFrames = 0;
                            }
                        }

                        CountBytes(muxer.BytesWritten - before);
                    }
                }

                return true;
            }
            catch (Exception ex) when (!stop.IsCancellationRequested && ex is OperationCanceledException or IOException)
            {
                await Task.WhenAny(process.StderrClosed, Task.Delay(500, CancellationToken.None)).ConfigureAwait(false);
                RecordError(_lastFfmpegError ?? (process.HasExited ? $"ffmpeg exited with code {process.ExitCode}." : ex.Message));
                return false;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscription = null;
                _droppedEarlier += subscription.DroppedPackets;
                _streamingSince = null;
            }

            subscription.Dispose();
            if (process is not null)
            {
                await process.CloseInputAndWaitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                process.Dispose();
            }
        }
    }

    private FfmpegProcess StartFfmpeg()
    {
        _lastFfmpegError = null;
        FfmpegProcess? process = null;
        // -progress reports only once the output is open, which is our "server accepted the stream" signal.
        process = _settings.Ffmpeg.Start(
            [
                "-hide_banner", "-loglevel", "error", "-nostats", "-progress", "pipe:2", "-stats_period", "1",
                "-fflags", "nobuffer", "-analyzeduration", "1000000", "-f", "flv", "-i", "pipe:0",
                "-c", "copy", "-flvflags", "no_duration_filesize", "-f", "flv", TargetUrl,
            ],
            FfmpegPipes.Input,
            line => OnStderrLine(line, process));
        return process;
    }

    private void OnStderrLine(string line, FfmpegProcess? process)
    {
        if (line.StartsWith("progress=", StringComparison.Ordinal))
        {
            lock (_gate)
            {
                if (_state != RtmpMirrorState.Streaming && process is { HasExited: false })
                {
                    _state = RtmpMirrorState.Streaming;
                    _streamingSince = _time.GetTimestamp();
                }
            }
        }
        else if (!IsProgressLine(line) && line.Trim().Length > 0)
        {
            _lastFfmpegError = "ffmpeg: " + line.Trim().Replace(TargetUrl, RtmpTarget.Mask(TargetUrl), StringComparison.Ordinal);
        }
    }

    private static bool IsProgressLine(string line)
    {
        int eq = line.IndexOf('=');
        return eq > 0 && !line.AsSpan(0, eq).ContainsAny(' ', ':', '[');
    }

    private void CountBytes(long bytes)
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            if (_windowStart == 0)
            {
                _windowStart = now;
            }

            _windowBytes += bytes;
            var elapsed = _time.GetElapsedTime(_windowStart, now);
            if (elapsed >= TimeSpan.FromSeconds(1))
            {
                _bitrateKbps = _windowBytes * 8 / elapsed.TotalMilliseconds;
                _windowBytes = 0;
                _windowStart = now;
            }
        }
    }

    private void RecordError(string message)
    {
        lock (_gate)
        {
            // ffmpeg's messages can quote the publish URL, key and all; statuses go to dashboards and API clients.
            _lastError = RtmpTarget.MaskAll(message);
        }
    }

    private void SetState(RtmpMirrorState state)
    {
        lock (_gate)
        {
            _state = state;
            if (state != RtmpMirrorState.Streaming)
            {
                _streamingSince = null;
            }
        }
    }

    private static void CancelQuietly(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt already finished.
        }
    }
}
