using WebAvatar.Web.Api.Sessions;

namespace WebAvatar.Web.Tests.Api;

public class SessionOwnerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(int.MaxValue)]
    public void An_api_key_owner_reads_back_as_its_key(int keyId)
    {
        string owner = SessionOwner.ForApiKey(keyId);
        Assert.Equal($"key:{keyId}", owner);
        Assert.True(SessionOwner.TryParseApiKey(owner, out int parsed));
        Assert.Equal(keyId, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("admin")]
    [InlineData("page")]
    [InlineData("key:")]
    [InlineData("key:abc")]
    [InlineData("key:-1")]
    [InlineData("key: 7")]
    [InlineData("KEY:7")]
    [InlineData("key:99999999999")]
    public void Other_owners_name_no_api_key(string? owner)
    {
        Assert.False(SessionOwner.TryParseApiKey(owner, out _));
    }
}
