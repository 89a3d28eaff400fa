namespace WebAvatar.Web.Api.Keys;

public enum ApiKeyCheckOutcome
{
    Valid,
    Unknown,
    Revoked,
}

/// <summary>What <see cref="ApiKeyStore.CheckAsync"/> found for a presented secret; id and name are set unless the key is unknown.</summary>
public sealed record ApiKeyCheck(ApiKeyCheckOutcome Outcome, int? KeyId = null, string? Name = null)
{
    public static readonly ApiKeyCheck Unknown = new(ApiKeyCheckOutcome.Unknown);
}
