using WebAvatar.Media.Rtmp;

namespace WebAvatar.Web.Admin.Streams;

/// <summary>The dashboard's word for what a session's RTMP mirror is doing.</summary>
public static class MirrorStates
{
    /// <summary>Streaming is live; connecting and reconnecting (between attempts) are starting.</summary>
    public static MirrorState Of(RtmpMirrorState state) => state switch
    {
        RtmpMirrorState.Streaming => MirrorState.Live,
        RtmpMirrorState.Stopped => MirrorState.Stopped,
        _ => MirrorState.Starting,
    };

    /// <summary>As <see cref="Of(RtmpMirrorState)"/> for a state as a session's view spells it ("streaming"); Failed for a word it does not know.</summary>
    public static MirrorState Of(string rtmpState) =>
        Enum.TryParse<RtmpMirrorState>(rtmpState, ignoreCase: true, out var state) && Enum.IsDefined(state) ? Of(state) : MirrorState.Failed;
}
