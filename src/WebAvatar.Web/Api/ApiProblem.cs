namespace WebAvatar.Web.Api;

/// <summary>Problem-details answers (application/problem+json) written from middleware, where there is no endpoint result to return.</summary>
internal static class ApiProblem
{
    public static Task WriteAsync(HttpContext context, int statusCode, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: statusCode, title: title).ExecuteAsync(context);
}
