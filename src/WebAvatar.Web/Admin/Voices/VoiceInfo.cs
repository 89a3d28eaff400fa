namespace WebAvatar.Web.Admin.Voices;

/// <summary>A voice a TTS engine offers. <see cref="Id"/> is what goes into TextToSpeechOptions.VoiceId.</summary>
public sealed record VoiceInfo(string Engine, string Id, string Name, string Language, string Gender);
