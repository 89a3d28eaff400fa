using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Api.Keys;

namespace WebAvatar.Web.Admin.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name);

/// <summary>/api/admin/api-keys: list (no secrets), create (the secret is in this one answer only), revoke.</summary>
internal static class ApiKeyAdminEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys");
        keys.MapGet("/", async (ApiKeyStore store, CancellationToken ct) => Results.Ok(await store.ListAsync(ct)));
        keys.MapPost("/", CreateAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        keys.MapDelete("/{id:int}", async (int id, ApiKeyStore store, CancellationToken ct) =>
            await store.RevokeAsync(id, ct) ? Results.NoContent() : Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No API key {id}."))
            .AddEndpointFilter<AntiforgeryHeaderFilter>();
    }

    private static async Task<IResult> CreateAsync(CreateApiKeyRequest request, ApiKeyStore store, HttpContext http, CancellationToken ct)
    {
        try
        {
            var created = await store.CreateAsync(request.Name ?? string.Empty, ct);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Created($"/api/admin/api-keys/{created.Id}", new { created.Id, created.Name, created.Prefix, created.Secret });
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: ex.Message);
        }
    }
}
