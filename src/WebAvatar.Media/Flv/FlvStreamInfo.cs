namespace WebAvatar.Media.Flv;

/// <summary>What the FLV header and onMetaData announce.</summary>
public sealed record FlvStreamInfo(int Width, int Height, int Fps, int VideoBitrateKbps, bool HasAudio, int AudioBitrateKbps = 96);
