// WebAvatar web widget: a talking avatar with a microphone button and a text box on any site, in one tag:
//   <script src="https://avatar.example.com/widget.js" data-key="wa_..." data-avatar="(optional avatar id)"
//           data-title="(optional heading)" data-mode="chat|echo (optional)"></script>
// or, in an iframe: <iframe src="https://avatar.example.com/embed?key=wa_..." allow="microphone; autoplay"></iframe>
// (that page loads this script with data-layout="fill": the widget fills its frame instead of floating in a corner).
// It uses the session API with the given key; the key must list the page's origin among its allowed origins
// (Admin > API keys), otherwise the widget says so and stays idle. Everything lives in a shadow root: the host page's
// styles do not reach in and the widget's do not leak out.
(function () {
  'use strict';

  const script = document.currentScript;
  if (!script) return;
  const base = new URL(script.src).origin;
  const key = script.dataset.key || '';
  const avatarId = script.dataset.avatar || null;
  const mode = script.dataset.mode || null;
  const title = script.dataset.title || 'Talk to me';
  const fill = script.dataset.layout === 'fill';

  const css = `
    :host { all: initial; }
    .panel { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; width: 320px; max-width: calc(100vw - 32px);
      font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1f; background: #fff;
      border-radius: 14px; box-shadow: 0 6px 28px rgba(0,0,0,.28); overflow: hidden; display: flex; flex-direction: column; }
    header { padding: 8px 12px; background: #283593; color: #fff; font-weight: 600; }
    .stage { position: relative; aspect-ratio: 1 / 1; background: #222; }
    video, canvas { width: 100%; height: 100%; object-fit: cover; display: block; }
    .start { position: absolute; left: 50%; bottom: 14%; transform: translateX(-50%); min-height: 48px; padding: 10px 22px;
      font-family: inherit; font-size: 17px; font-weight: 600; line-height: 1; color: #fff; background: #3949ab; border: 3px solid #fff; border-radius: 24px;
      box-shadow: 0 2px 10px rgba(0,0,0,.5); cursor: pointer; }
    .start:disabled { opacity: .75; cursor: progress; }
    .lines { max-height: 96px; overflow-y: auto; padding: 6px 12px 0; }
    .line { margin: 2px 0; } .line b { margin-right: 4px; }
    .status { padding: 4px 12px; color: #b71c1c; min-height: 0; }
    .status:empty { display: none; }
    form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #eee; }
    input { flex: 1; min-width: 0; min-height: 40px; padding: 0 10px; font: inherit; border: 1px solid #bbb; border-radius: 8px; }
    button.icon, button.send { min-width: 44px; min-height: 40px; font: inherit; border: 1px solid #bbb; border-radius: 8px; background: #f5f5f5; cursor: pointer; }
    button.icon[aria-pressed="true"] { background: #2e7d32; color: #fff; border-color: #2e7d32; }
    button:disabled { cursor: default; opacity: .5; }
    @media (max-width: 480px) { .panel { right: 8px; left: 8px; bottom: 8px; width: auto; max-width: none; } .stage { aspect-ratio: 4 / 3; } }
    .panel.fill { inset: 0; width: auto; max-width: none; border-radius: 0; box-shadow: none; }
    .panel.fill .stage { flex: 1; aspect-ratio: auto; min-height: 0; }`;

  const host = document.createElement('div');
  host.className = 'webavatar-widget';
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${css}</style>
    <section class="panel" aria-label="Avatar">
      <header></header>
      <div class="stage"><video playsinline></video><button type="button" class="start">Start</button></div>
      <div class="lines" aria-live="polite"></div>
      <div class="status" role="status"></div>
      <form>
        <button type="button" class="icon mic" aria-pressed="false" title="Microphone" aria-label="Microphone" disabled><svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z"/></svg></button>
        <input type="text" placeholder="Type a message" aria-label="Message" disabled maxlength="2000" />
        <button type="submit" class="send" disabled>Send</button>
      </form>
    </section>`;
  const $ = (selector) => root.querySelector(selector);
  if (fill) $('.panel').classList.add('fill');
  $('header').textContent = title;
  const video = $('video'), start = $('.start'), lines = $('.lines'), status = $('.status');
  const mic = $('.mic'), input = $('input'), send = $('.send'), form = $('form');

  let sessionId = null, controller = null, events = null, micConnected = false, ended = false;

  function say(message) { status.textContent = message || ''; }

  function addLine(role, text) {
    const line = document.createElement('div');
    line.className = 'line ' + role;
    const who = document.createElement('b');
    who.textContent = role === 'user' ? 'You:' : role === 'avatar' ? 'Avatar:' : '';
    line.append(who, document.createTextNode(text));
    lines.append(line);
    while (lines.childElementCount > 20) lines.firstElementChild.remove();
    lines.scrollTop = lines.scrollHeight;
  }

  async function api(method, path, body) {
    const response = await fetch(base + path, {
      method, headers: Object.assign({ 'X-Api-Key': key }, body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      let detail = 'The avatar server answered ' + response.status + '.';
      try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not JSON */ }
      throw new Error(detail);
    }
    return response.status === 204 ? null : response.json();
  }

  function loadClient() {
    if (window.WebAvatarWebRtc) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const tag = document.createElement('script');
      tag.src = base + '/api/webrtc/webavatar-webrtc.js';
      tag.onload = resolve;
      tag.onerror = () => reject(new Error('Could not load the avatar\'s WebRTC client from ' + base + '.'));
      document.head.append(tag);
    });
  }

  // Server-Sent Events through fetch (EventSource cannot send the key): transcript lines and the session's end.
  async function follow(signal) {
    const response = await fetch(base + '/api/v1/sessions/' + encodeURIComponent(sessionId) + '/events', { headers: { 'X-Api-Key': key }, signal });
    if (!response.ok || !response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = (block.match(/^event: ?(.*)$/m) || [])[1];
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (!data) continue;
        let message;
        try { message = JSON.parse(data); } catch { continue; }
        if (type === 'transcript' && message.isFinal && message.text) addLine(message.role, message.text);
        else if (type === 'error') say(message.message);
        else if (type === 'ended') {
          // Say why (deleted, left idle, or the server node that ran it stopped); nothing after it replaces the reason.
          ended = true;
          say('The conversation has ended' + (message.reason ? ': ' + message.reason + '.' : '.'));
          setReady(false);
        }
      }
    }
  }

  function setReady(ready) {
    input.disabled = !ready;
    send.disabled = !ready;
    mic.disabled = !ready;
    start.hidden = ready;
  }

  async function connectMedia(withMic) {
    if (controller) await controller.close();
    controller = window.WebAvatarWebRtc.connect({
      sessionId, videoElement: video, mic: withMic, baseUrl: base + '/api/webrtc',
      onStateChange: (state) => { if (state === 'failed' && !ended) say('The connection to the avatar failed; retrying...'); },
    });
    micConnected = withMic;
    await controller.ready;
    video.muted = false;
  }

  async function begin() {
    ended = false;
    start.disabled = true;
    start.textContent = 'Connecting...';
    say('');
    try {
      const body = { kind: 'api' };
      if (avatarId) body.avatarId = avatarId;
      if (mode) body.mode = mode;
      const session = await api('POST', '/api/v1/sessions', body);
      sessionId = session.id;
      video.poster = base + '/api/sessions/' + encodeURIComponent(sessionId) + (session.videoLayout === 'color-alpha-side-by-side' ? '/still.png' : '/still.jpg');
      events = new AbortController();
      follow(events.signal).catch(() => {});
      await loadClient();
      await connectMedia(false);
      await video.play(); // inside the tap: phones allow sound only after a user gesture
      setReady(true);
      say('');
    } catch (error) {
      say(error.message || String(error));
      start.disabled = false;
      start.textContent = 'Start';
    }
  }

  start.addEventListener('click', begin);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !sessionId) return;
    input.value = '';
    try { await api('POST', '/api/v1/sessions/' + encodeURIComponent(sessionId) + '/speak', { text, mode: 'ask-llm' }); }
    catch (error) { say(error.message); }
  });
  mic.addEventListener('click', async () => {
    if (!controller) return;
    const on = mic.getAttribute('aria-pressed') !== 'true';
    try {
      // The first time, the connection is made again with the microphone (the browser asks for permission then).
      if (on && !micConnected) { await connectMedia(true); await video.play(); }
      controller.setMicEnabled(on);
      mic.setAttribute('aria-pressed', String(on));
    } catch (error) {
      say('The microphone is not available: ' + (error.message || error));
    }
  });
  window.addEventListener('pagehide', () => {
    if (events) events.abort();
    if (controller) controller.close();
  });

  if (!key) {
    say('This widget has no data-key: add the API key an administrator created for this site.');
    start.disabled = true;
  }
  (document.body || document.documentElement).append(host);
})();
