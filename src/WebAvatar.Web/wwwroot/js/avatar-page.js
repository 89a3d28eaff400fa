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

  window.addEventListener('beforeunload', () => { if (controller) controller.close(); });
  return { connect, setMic, stats, peerUrl, controller: current, close, loadResume, saveResume, clearResume };
})();
