namespace WebAvatar.Testing;

/// <summary>
/// JavaScript shared by the browser tests and the live benchmarks that listen to a chat page: WebAudio analysers on
/// the page's microphone track and on the avatar's received audio track.
/// </summary>
public static class BrowserAudioMeters
{
    /// <summary>
    /// A JS function <c>(ctx, pc) =&gt; ({ mic, avatar })</c>: given a running AudioContext and the page's
    /// RTCPeerConnection, returns two functions that read the current RMS (0..1, over the last 256 samples) of the
    /// microphone being sent (0 when there is none) and of the avatar's audio being received.
    /// </summary>
    public const string Factory = """
        ((ctx, pc) => {
          const analyser = (track) => {
            if (!track) return null;
            const a = ctx.createAnalyser(); a.fftSize = 256;
            ctx.createMediaStreamSource(new MediaStream([track])).connect(a);
            return a;
          };
          const avatarTrack = pc.getReceivers().find(r => r.track && r.track.kind === 'audio').track;
          const micSender = pc.getSenders().find(s => s.track && s.track.kind === 'audio');
          const avatar = analyser(avatarTrack);
          const mic = analyser(micSender && micSender.track);
          const buf = new Float32Array(256);
          const rms = (a) => { if (!a) return 0; a.getFloatTimeDomainData(buf); let s = 0; for (const v of buf) s += v * v; return Math.sqrt(s / buf.length); };
          return { mic: () => rms(mic), avatar: () => rms(avatar) };
        })
        """;
}
