namespace WebAvatar.Media.Session;

/// <summary>
/// One video track's recording of the avatar's idle loop, and its replay. A listening avatar's idle frames repeat every
/// loop (see <see cref="AvFrame.IdleLoopPhase"/>), so once the track has encoded one whole loop, starting with an IDR at
/// phase 0, later listening slots send the recorded packets again: nothing is rendered or encoded. The packets are the
/// track's own encoder output (same SPS/PPS), a replay starts only at the loop's IDR, and the live encoder starts again
/// with an IDR when the replay ends, so every decoder (browser or RTMP) always holds the references it needs. The pts
/// of a replayed packet is its slot's, so the media clock and A/V sync do not change. Not thread-safe: the track's caller.
/// </summary>
internal sealed class IdleLoop
{
    /// <summary>Idle slots in a row before a loop is recorded or entered: the mouth has settled after speech by then.</summary>
    public const int SettleSlots = 13;

    private EncodedPacket?[] _packets = [];
    private int _recorded = -1; // next phase to record; -1 when not recording
    private long _lastIndex = long.MinValue;
    private int _lastPhase = -1;
    private int _idleRun;
    private bool _replayContinues;

    public bool IsComplete { get; private set; }

    /// <summary>True while the last slot went out as a replayed packet.</summary>
    public bool IsReplaying { get; private set; }

    /// <summary>True when the slot before the current one was replayed: if this one is encoded live, it must be an IDR.</summary>
    public bool WasReplaying { get; private set; }

    public long Replayed { get; private set; }

    /// <summary>Notes <paramref name="slot"/> as the next slot the track sends; call once per sent slot before the other calls.</summary>
    public void Observe(AvFrame slot)
    {
        int phase = slot.IdleLoopPhase;
        bool consecutive = slot.Index == _lastIndex + 1;
        bool idle = phase >= 0;
        _idleRun = idle ? (consecutive ? _idleRun + 1 : 1) : 0;
        if (idle && slot.IdleLoopLength != _packets.Length)
        {
            Forget();
            _packets = new EncodedPacket?[slot.IdleLoopLength];
        }

        WasReplaying = IsReplaying;
        _replayContinues = IsReplaying && consecutive && idle && phase == (_lastPhase + 1) % _packets.Length;
        IsReplaying = false;
        if (!idle || !consecutive || phase != _recorded)
        {
            _recorded = -1;
        }

        _lastIndex = slot.Index;
        _lastPhase = phase;
    }

    /// <summary>The track sends nothing for a while (no subscriber): a replay or recording cannot go on across the gap.</summary>
    public void Pause()
    {
        IsReplaying = false;
        _recorded = -1;
        _idleRun = 0;
    }

    /// <summary>
    /// Sends the recorded packet of <paramref name="slot"/> when the replay can go on (the next phase of a running replay, unless
    /// <paramref name="keyFrameDue"/>) or start (phase 0, the loop's IDR). Returns false when the slot must be encoded live.
    /// </summary>
    public bool TryReplay(AvFrame slot, bool keyFrameDue, List<EncodedPacket> output)
    {
        int phase = slot.IdleLoopPhase;
        bool settled = IsComplete && phase >= 0 && _idleRun >= SettleSlots;
        if (!settled || !((_replayContinues && !keyFrameDue) || phase == 0))
        {
            return false;
        }

        IsReplaying = true;
        output.Add(_packets[phase]! with { PtsMicroseconds = slot.PtsMicroseconds });
        Replayed++;
        return true;
    }

    /// <summary>True when the live encoder must make <paramref name="slot"/> an IDR to start recording the loop with it.</summary>
    public bool StartsRecording(AvFrame slot)
    {
        if (IsComplete || slot.IdleLoopPhase != 0 || _idleRun < SettleSlots)
        {
            return false;
        }

        _recorded = 0;
        return true;
    }

    /// <summary>Keeps the live encoder's packet of <paramref name="slot"/> while recording (exactly one packet per slot).</summary>
    public void Record(AvFrame slot, List<EncodedPacket> output, int firstPacket)
    {
        if (_recorded < 0 || slot.IdleLoopPhase != _recorded)
        {
            return;
        }

        if (output.Count - firstPacket != 1 || (_recorded == 0 && !output[firstPacket].IsKeyFrame))
        {
            _recorded = -1; // an encoder that dropped or split a frame leaves nothing replayable
            return;
        }

        _packets[_recorded] = output[firstPacket];
        _recorded++;
        if (_recorded == _packets.Length)
        {
            IsComplete = true;
            _recorded = -1;
        }
    }

    /// <summary>Drops the recording (a new encoder, or another frame size): its packets no longer fit the stream.</summary>
    public void Forget()
    {
        Array.Clear(_packets);
        IsComplete = false;
        IsReplaying = false;
        _recorded = -1;
    }
}
