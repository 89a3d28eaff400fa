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

  window.addEventListener('beforeunload', () => { if (controller) controller.close(); });
  return { connect, setMic, stats, peerUrl, controller: current, close };
})();
