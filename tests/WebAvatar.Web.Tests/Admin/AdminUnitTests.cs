using System.Buffers.Binary;
using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Admin.Streams;
using WebAvatar.Web.Admin.Voices;

namespace WebAvatar.Web.Tests.Admin;

public class AdminUnitTests
{
    [Fact]
    public void Espeak_voice_table_is_parsed_into_voices()
    {
        const string output = """
            Pty Language       Age/Gender VoiceName          File                 Other Languages
             5  af              --/M      Afrikaans          gmw/af
             2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
             5  de              --/F      German             gmw/de
            garbage line
            """;
        var voices = EspeakVoiceCatalog.Parse(output);
        Assert.Equal(["af", "de", "en-us"], voices.Select(v => v.Id));
        var english = voices.Single(v => v.Id == "en-us");
        Assert.Equal("English (America)", english.Name);
        Assert.Equal("male", english.Gender);
        Assert.Equal("female", voices.Single(v => v.Id == "de").Gender);
    }

    [Fact]
    public void Wav_header_describes_the_pcm()
    {
        var wav = WebAvatar.Dsp.WavFile.FromPcm16(new byte[320], 22050);
        Assert.Equal(364, wav.Length);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(22050, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
        Assert.Equal(320, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40)));
    }

    [Theory]
    [InlineData("sk_live_1234567890abcd", "••••••••abcd")]
    [InlineData("abc", "••••••••")]
    [InlineData("", "")]
    public void Stream_keys_are_masked_to_their_last_four_characters(string key, string masked)
    {
        Assert.Equal(masked, StreamTargetStore.Mask(key));
        if (key.Length > 4)
        {
            Assert.DoesNotContain(key[..^4], StreamTargetStore.Mask(key));
        }
    }

    [Theory]
    [InlineData("/admin/avatars", "/admin/avatars")]
    [InlineData("https://evil.example/admin", "/admin")]
    [InlineData("//evil.example/admin", "/admin")]
    [InlineData("/admin\\..\\x", "/admin")]
    [InlineData("/admin/login", "/admin")]
    [InlineData(null, "/admin")]
    public void Return_urls_stay_inside_the_dashboard(string? returnUrl, string expected) =>
        Assert.Equal(expected, AccountEndpoints.SafeReturnUrl(returnUrl));

    [Theory]
    [InlineData("admin", "short", false)]
    [InlineData("", "long-enough-password", false)]
    [InlineData("admin", "0123456789", true)]
    public void Password_policy_needs_ten_characters(string user, string password, bool ok) =>
        Assert.Equal(ok, AdminAccountService.Validate(user, password).Count == 0);
}
