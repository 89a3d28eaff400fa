using System.Text.Json;
using Microsoft.Playwright;

namespace WebAvatar.Benchmarks.Live;

/// <summary>The product's chat page in Chromium, driven the way a person uses it (Start, type, Send).</summary>
internal sealed class ChatPage
{
    private static readonly TimeSpan EvaluateTimeout = TimeSpan.FromSeconds(30);

    private ChatPage(IPage page, string sessionId)
    {
        Page = page;
        SessionId = sessionId;
    }

    public IPage Page { get; }

    /// <summary>The server session behind this page (matches /api/metrics sessions[].id).</summary>
    public string SessionId { get; }

    /// <summary>Opens the chat page in a new tab and waits for its session (not yet connected).</summary>
    public static async Task<ChatPage> OpenAsync(IBrowserContext context, Uri baseAddress)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(baseAddress.ToString());
        await Assertions.Expect(page.Locator("#start-button")).ToBeEnabledAsync(new() { Timeout = 60_000 });
        var sessionId = await page.Locator("#avatar-stage").GetAttributeAsync("data-session-id");
        if (string.IsNullOrEmpty(sessionId))
        {
            throw new InvalidOperationException("the chat page has no session id (data-session-id on #avatar-stage)");
        }

        return new ChatPage(page, sessionId);
    }

    /// <summary>Clicks Start and waits for the WebRTC connection and the first decoded frames.</summary>
    public async Task ConnectAsync()
    {
        await Page.Locator("#start-button").ClickAsync();
        await Assertions.Expect(Page.Locator("#connection-chip")).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
        await Page.WaitForFunctionAsync(
            "async () => { const s = await avatarPage.stats(); return s && s.video && s.video.framesDecoded > 5; }",
            null,
            new() { Timeout = 30_000, PollingInterval = 200 });
    }

    /// <summary>Makes the avatar speak <paramref name="text"/> as typed, with "Speak exactly this" (no LLM).</summary>
    public async Task SayAsync(string text)
    {
        await TypeSayAsync(text);
        await SendAsync();
    }

    /// <summary>Types <paramref name="text"/> with "Speak exactly this" ticked, without sending it yet.</summary>
    public async Task TypeSayAsync(string text)
    {
        await Page.Locator("#say-exactly").CheckAsync();
        await Page.Locator("#message-input").FillAsync(text);
    }

    /// <summary>Clicks Send.</summary>
    public Task SendAsync() => Page.Locator("#send-button").ClickAsync();

    /// <summary>The page's WebRTC stats summary (webavatar-webrtc.js summarizeStats).</summary>
    public async Task<JsonElement> StatsAsync()
    {
        var stats = await Page.EvaluateAsync<JsonElement>("avatarPage.stats()").WaitAsync(EvaluateTimeout);
        if (stats.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("the page has no WebRTC stats (not connected)");
        }

        return stats;
    }

    public Task<T> EvaluateAsync<T>(string script, object? arg = null) => Page.EvaluateAsync<T>(script, arg).WaitAsync(EvaluateTimeout);

    /// <summary>
    /// Closes the WebRTC connection from the page (the WHEP DELETE), leaves the page (so Blazor's unload beacon ends the
    /// circuit, and with it the session, at once rather than after the disconnected-circuit grace period), closes the tab.
    /// </summary>
    public async Task CloseAsync()
    {
        try
        {
            await Page.EvaluateAsync("avatarPage.close()").WaitAsync(TimeSpan.FromSeconds(10));
            await Page.GotoAsync("about:blank").WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await Page.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
