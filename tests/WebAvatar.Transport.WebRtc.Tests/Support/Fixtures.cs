namespace WebAvatar.Transport.WebRtc.Tests.Support;

internal static class Fixtures
{
    public static string ChromiumOffer => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "chromium156-offer.sdp"));
}
