namespace WebAvatar.Speech;

/// <summary>The Microsoft.Extensions.AI <c>GetService</c> convention shared by the speech clients.</summary>
internal static class ClientServices
{
    /// <summary>Unkeyed requests only: the client's metadata, else the client itself when it is of the type asked, else null.</summary>
    public static object? Resolve<TMetadata>(object client, TMetadata metadata, Type serviceType, object? serviceKey)
        where TMetadata : class
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(TMetadata) ? metadata
            : serviceType.IsInstanceOfType(client) ? client
            : null;
    }
}
