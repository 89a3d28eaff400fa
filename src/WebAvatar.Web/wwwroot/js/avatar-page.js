// Glue between the Blazor chat page and the WebRTC client (webavatar-webrtc.js).
// Media flows browser <-> server over WebRTC only; Blazor just gets connection-state callbacks.
window.avatarPage = (function () {
  let controller = null;

  async function connect(sessionId, videoId, mic, dotnet) {
    if (controller) { await controller.close(); controller = null; }
    const video = document.getElementById(videoId);
    video.muted = false;
    controller = window.WebAvatarWebRtc.connect({
      sessionId,
      videoElement: video,
      mic: !!mic,
      reconnect: true,
      onStateChange: (state) => dotnet.invokeMethodAsync('OnConnectionState', state).catch(() => {}),
    });
    await controller.ready;
    try { await video.play(); } catch (e) { console.warn('autoplay', e); }
  }

  function setMic(enabled) { if (controller) controller.setMicEnabled(!!enabled); }

  async function stats() { return controller ? await controller.getStats() : null; }

  function current() { return controller; }

  function peerUrl() { return controller ? controller.peerUrl : null; }

  async function close() { if (controller) { await controller.close(); controller = null; } }

  // The tab's own session survives a reload through a resume token kept here (sessionStorage: this tab only).
  const resumeKey = 'webavatar.session';
  function loadResume() {
    try { const saved = JSON.parse(sessionStorage.getItem(resumeKey) || 'null'); return saved && saved.id && saved.token ? saved : null; }
    catch { return null; }
  }
  function saveResume(id, token) { sessionStorage.setItem(resumeKey, JSON.stringify({ id, token })); }
  function clearResume() { sessionStorage.removeItem(resumeKey); }

  // Voice input without a server model: the browser's own recognizer (Web Speech API: Chrome, Edge, Safari), whose
  // transcripts go to the server as text. Chrome ends a recognition after a pause, so a normal end is followed by a new
  // start; an error (no network to the vendor's service, no permission) ends it for good and is reported, so a recognizer
  // that cannot work never spins in a restart loop.
  let recognition = null;
  function browserRecognizerAvailable() { return !!(window.SpeechRecognition || window.webkitSpeechRecognition); }
  function startBrowserRecognition(dotnet, lang) {
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return false;
    stopBrowserRecognition();
    const r = new Recognition();
    let failed = false;
    r.continuous = true;
    r.interimResults = true;
    r.lang = lang || navigator.language || 'en-US';
    r.onresult = (event) => {
      for (let i = event.resultIndex; i < event.results.length; i++) {
        const result = event.results[i];
        const text = (result[0] && result[0].transcript || '').trim();
        if (text) dotnet.invokeMethodAsync('OnBrowserTranscript', text, !!result.isFinal).catch(() => {});
      }
    };
    r.onerror = (event) => {
      if (event.error === 'no-speech' || event.error === 'aborted') return;
      failed = true;
      if (recognition === r) recognition = null;
      dotnet.invokeMethodAsync('OnBrowserRecognizerError', String(event.error || 'error')).catch(() => {});
    };
    r.onend = () => {
      if (recognition !== r || failed) return;
      setTimeout(() => { if (recognition === r) { try { r.start(); } catch (e) { /* already started */ } } }, 250);
    };
    recognition = r;
    r.start();
    return true;
  }
  function stopBrowserRecognition() {
    const r = recognition;
    recognition = null;
    if (r) { try { r.stop(); } catch (e) { /* not started */ } }
  }

  window.addEventListener('beforeunload', () => { stopBrowserRecognition(); if (controller) controller.close(); });
  return { connect, setMic, stats, peerUrl, controller: current, close, loadResume, saveResume, clearResume,
           browserRecognizerAvailable, startBrowserRecognition, stopBrowserRecognition };
})();
