namespace WebAvatar.Web.Admin.Avatars;

/// <summary>An upload refused for a reason the uploader can fix; <see cref="StatusCode"/> is the HTTP answer.</summary>
public sealed class AvatarUploadException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
