using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Api.Keys;

namespace WebAvatar.Web.Admin.ApiKeys;

/// <param name="AllowedOrigins">Sites whose pages may use the key (the web widget), e.g. "https://www.example.com, http://localhost:8080".</param>
public sealed record CreateApiKeyRequest(string? Name, string? AllowedOrigins = null);

public sealed record SetAllowedOriginsRequest(string? AllowedOrigins);

/// <summary>/api/admin/api-keys: list (no secrets), create (the secret is in this one answer only), allowed origins, revoke.</summary>
internal static class ApiKeyAdminEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys");
        keys.MapGet("/", async (ApiKeyStore store, CancellationToken ct) => Results.Ok(await store.ListAsync(ct)));
        keys.MapPost("/", CreateAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        keys.MapPut("/{id:int}/allowed-origins", SetAllowedOriginsAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        keys.MapDelete("/{id:int}", async (int id, ApiKeyStore store, CancellationToken ct) =>
            await store.RevokeAsync(id, ct) ? Results.NoContent() : Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No API key {id}."))
            .AddEndpointFilter<AntiforgeryHeaderFilter>();
    }

    private static async Task<IResult> CreateAsync(CreateApiKeyRequest request, ApiKeyStore store, HttpContext http, CancellationToken ct)
    {
        try
        {
            var created = await store.CreateAsync(request.Name ?? string.Empty, request.AllowedOrigins, ct);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Created($"/api/admin/api-keys/{created.Id}", new { created.Id, created.Name, created.Prefix, created.Secret });
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: ex.Message);
        }
    }

    private static async Task<IResult> SetAllowedOriginsAsync(int id, SetAllowedOriginsRequest request, ApiKeyStore store, CancellationToken ct)
    {
        try
        {
            return await store.SetAllowedOriginsAsync(id, request.AllowedOrigins, ct)
                ? Results.NoContent()
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No API key {id}.");
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: ex.Message);
        }
    }
}
