using WebAvatar.Web.Api.Widget;

namespace WebAvatar.Web.Tests.Api;

public class AllowedOriginsTests
{
    [Fact]
    public void Origins_are_normalised_the_way_browsers_send_them()
    {
        var origins = AllowedOrigins.Parse(" HTTPS://Shop.Example.com/ ,http://localhost:8080\nhttps://shop.example.com:443; http://[::1]:9000");
        Assert.Equal(["https://shop.example.com", "http://localhost:8080", "http://[::1]:9000"], origins);
        var stored = AllowedOrigins.Format(origins);
        Assert.True(AllowedOrigins.Allows(stored, "https://shop.example.com"));
        Assert.True(AllowedOrigins.Allows(stored, "http://localhost:8080"));
        Assert.False(AllowedOrigins.Allows(stored, "http://localhost:8081"));
        Assert.False(AllowedOrigins.Allows(stored, "http://shop.example.com"));
        Assert.False(AllowedOrigins.Allows(null, "https://shop.example.com"));
        Assert.Null(AllowedOrigins.Format(AllowedOrigins.Parse("  ")));
    }

    [Theory]
    [InlineData("shop.example.com")]
    [InlineData("https://shop.example.com/page")]
    [InlineData("ftp://shop.example.com")]
    [InlineData("https://user@shop.example.com")]
    [InlineData("https://shop.example.com?x=1")]
    public void Anything_but_an_origin_is_refused_by_name(string entry)
    {
        var ex = Assert.Throws<ArgumentException>(() => AllowedOrigins.Parse("https://ok.example.com, " + entry));
        Assert.Contains($"'{entry}' is not an origin", ex.Message);
    }
}
