namespace WebAvatar.Media.Codecs.Av;

/// <summary>
/// Owns one libavcodec encoder context plus a reusable AVFrame and AVPacket. Configure with
/// <see cref="Set"/> before <see cref="Open"/>; then fill <see cref="Frame"/> and call <see cref="Encode"/>.
/// Not thread-safe: one caller at a time.
/// </summary>
internal sealed class AvEncoderContext : IDisposable
{
    private readonly IntPtr _codec;
    private IntPtr _context;
    private IntPtr _frame;
    private IntPtr _packet;

    public AvEncoderContext(string encoderName)
    {
        AvLibrary.EnsureSupported();
        EncoderName = encoderName;
        _codec = AvNative.FindEncoderByName(encoderName);
        if (_codec == IntPtr.Zero)
        {
            throw new AvException($"libavcodec has no encoder named '{encoderName}'. Debian's libavcodec59 ships libx264, libvpx and aac; check that the full (not -extra-free) package is installed.");
        }

        _context = AvNative.AllocContext(_codec);
        _frame = AvNative.FrameAlloc();
        _packet = AvNative.PacketAlloc();
        if (_context == IntPtr.Zero || _frame == IntPtr.Zero || _packet == IntPtr.Zero)
        {
            Dispose();
            throw new AvException($"Out of memory allocating the {encoderName} encoder.");
        }
    }

    public string EncoderName { get; }

    public IntPtr Frame => _frame != IntPtr.Zero ? _frame : throw new ObjectDisposedException(EncoderName);

    /// <summary>Sets a context option; <paramref name="privateOption"/> searches the codec's private options (x264 preset, tune...).</summary>
    public void Set(string name, string value, bool privateOption = false)
    {
        int result = AvNative.OptSet(_context, name, value, privateOption ? AvNative.SearchChildren : 0);
        if (result < 0)
        {
            throw new AvException($"{EncoderName}: option {name}={value} rejected: {AvNative.Describe(result)}");
        }
    }

    /// <summary>
    /// Sets AVCodecContext.sample_fmt, which FFmpeg 5.1 exposes as no AVOption. The field sits between
    /// <c>channels</c> ("ac") and <c>frame_size</c>, whose offsets the option table gives; the write happens only
    /// when that sandwich is confirmed, so a different layout fails loudly instead of corrupting memory.
    /// </summary>
    public void SetSampleFormat(int sampleFormat)
    {
        int channels = OptionOffset("ac"), frameSize = OptionOffset("frame_size");
        if (frameSize - channels != 8)
        {
            throw new AvException($"{EncoderName}: unexpected AVCodecContext layout (channels at {channels}, frame_size at {frameSize}); cannot set the sample format.");
        }

        AvNative.Field<int>(_context, channels + 4) = sampleFormat;
    }

    private int OptionOffset(string name)
    {
        IntPtr option = AvNative.OptFind(_context, name, null, 0, 0);
        return option == IntPtr.Zero
            ? throw new AvException($"{EncoderName}: AVCodecContext has no option '{name}'.")
            : AvNative.Field<int>(option, AvNative.OptionOffset);
    }

    public long GetInt(string name)
    {
        int result = AvNative.OptGetInt(_context, name, 0, out long value);
        return result < 0 ? throw new AvException($"{EncoderName}: cannot read option {name}: {AvNative.Describe(result)}") : value;
    }

    public void Open()
    {
        int result = AvNative.Open(_context, _codec, IntPtr.Zero);
        if (result < 0)
        {
            throw new AvException($"{EncoderName}: avcodec_open2 failed: {AvNative.Describe(result)}");
        }
    }

    /// <summary>Allocates the frame's buffers once its size/format fields are set.</summary>
    public void AllocateFrameBuffers()
    {
        int result = AvNative.FrameGetBuffer(Frame, 0);
        if (result < 0)
        {
            throw new AvException($"{EncoderName}: av_frame_get_buffer failed: {AvNative.Describe(result)}");
        }
    }

    /// <summary>Makes the frame's buffers writable (the encoder may still reference the previous picture).</summary>
    public void PrepareFrame()
    {
        int result = AvNative.FrameMakeWritable(Frame);
        if (result < 0)
        {
            throw new AvException($"{EncoderName}: av_frame_make_writable failed: {AvNative.Describe(result)}");
        }
    }

    /// <summary>
    /// Sends <see cref="Frame"/> (or flushes when <paramref name="flush"/>) and hands each packet that comes out to
    /// <paramref name="onPacket"/>; the packet data span is valid only during the callback.
    /// </summary>
    public unsafe void Encode<TState>(bool flush, TState state, PacketHandler<TState> onPacket)
    {
        int result = AvNative.SendFrame(_context, flush ? IntPtr.Zero : Frame);
        if (result < 0 && !(flush && result == AvNative.ErrorEof))
        {
            throw new AvException($"{EncoderName}: avcodec_send_frame failed: {AvNative.Describe(result)}");
        }

        while (true)
        {
            result = AvNative.ReceivePacket(_context, _packet);
            if (result == AvNative.ErrorEagain || result == AvNative.ErrorEof)
            {
                return;
            }

            if (result < 0)
            {
                throw new AvException($"{EncoderName}: avcodec_receive_packet failed: {AvNative.Describe(result)}");
            }

            try
            {
                byte* data = (byte*)AvNative.Field<IntPtr>(_packet, AvNative.PacketData);
                int size = AvNative.Field<int>(_packet, AvNative.PacketSize);
                long pts = AvNative.Field<long>(_packet, AvNative.PacketPts);
                bool key = (AvNative.Field<int>(_packet, AvNative.PacketFlags) & AvNative.PacketFlagKey) != 0;
                onPacket(state, new ReadOnlySpan<byte>(data, size), pts, key);
            }
            finally
            {
                AvNative.PacketUnref(_packet);
            }
        }
    }

    public void Dispose()
    {
        if (_packet != IntPtr.Zero)
        {
            AvNative.PacketFree(ref _packet);
        }

        if (_frame != IntPtr.Zero)
        {
            AvNative.FrameFree(ref _frame);
        }

        if (_context != IntPtr.Zero)
        {
            AvNative.FreeContext(ref _context);
        }
    }
}

internal delegate void PacketHandler<in TState>(TState state, ReadOnlySpan<byte> data, long pts, bool isKeyFrame);
