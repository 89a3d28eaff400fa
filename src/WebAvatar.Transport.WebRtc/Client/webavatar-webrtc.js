// WebAvatar WebRTC client: receives the avatar's video+audio and sends the microphone.
// Classic script; exposes window.WebAvatarWebRtc.connect(options) -> controller.
//   options: { sessionId, videoElement, mic = true, baseUrl = '/api/webrtc', preferVideoCodec = null ('H264'|'VP8'),
//              iceServers = [], reconnect = true, maxBackoffMs = 10000, onStateChange(state, detail) }
//   controller: { state, peerUrl, pc, setMicEnabled(bool), micEnabled, getStats() -> summary, close() }
(function () {
  'use strict';

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function waitForIceGathering(pc, timeoutMs) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { pc.removeEventListener('icegatheringstatechange', check); clearTimeout(timer); resolve(); };
      const check = () => { if (pc.iceGatheringState === 'complete') done(); };
      const timer = setTimeout(done, timeoutMs);
      pc.addEventListener('icegatheringstatechange', check);
    });
  }

  function preferCodec(transceiver, mimeType) {
    if (!mimeType || !transceiver.setCodecPreferences || !window.RTCRtpReceiver || !RTCRtpReceiver.getCapabilities) return;
    const caps = RTCRtpReceiver.getCapabilities('video');
    if (!caps) return;
    const wanted = 'video/' + mimeType.toLowerCase();
    const preferred = caps.codecs.filter((c) => c.mimeType.toLowerCase() === wanted);
    const support = caps.codecs.filter((c) => /rtx|red|ulpfec/i.test(c.mimeType));
    if (preferred.length) transceiver.setCodecPreferences(preferred.concat(support));
  }

  async function summarizeStats(pc) {
    const out = { connectionState: pc.connectionState, video: null, audio: null, mic: null, transport: null };
    if (pc.connectionState === 'closed') return out;
    const report = await pc.getStats();
    report.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        out.video = { packetsReceived: r.packetsReceived, packetsLost: r.packetsLost, framesDecoded: r.framesDecoded,
          framesDropped: r.framesDropped, freezeCount: r.freezeCount, keyFramesDecoded: r.keyFramesDecoded,
          frameWidth: r.frameWidth, frameHeight: r.frameHeight, nackCount: r.nackCount, pliCount: r.pliCount,
          estimatedPlayoutTimestamp: r.estimatedPlayoutTimestamp, jitter: r.jitter,
          jitterBufferDelay: r.jitterBufferDelay, jitterBufferEmittedCount: r.jitterBufferEmittedCount,
          jitterBufferTargetDelay: r.jitterBufferTargetDelay, jitterBufferMinimumDelay: r.jitterBufferMinimumDelay,
          totalDecodeTime: r.totalDecodeTime, codecId: r.codecId, timestamp: r.timestamp };
      } else if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        out.audio = { packetsReceived: r.packetsReceived, packetsLost: r.packetsLost, totalSamplesReceived: r.totalSamplesReceived,
          concealedSamples: r.concealedSamples, estimatedPlayoutTimestamp: r.estimatedPlayoutTimestamp, jitter: r.jitter,
          jitterBufferDelay: r.jitterBufferDelay, jitterBufferEmittedCount: r.jitterBufferEmittedCount,
          jitterBufferTargetDelay: r.jitterBufferTargetDelay, jitterBufferMinimumDelay: r.jitterBufferMinimumDelay,
          codecId: r.codecId, timestamp: r.timestamp };
      } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        out.mic = { packetsSent: r.packetsSent, bytesSent: r.bytesSent };
      } else if (r.type === 'remote-outbound-rtp') {
        out.senderReports = out.senderReports || {};
        out.senderReports[r.kind] = r.reportsSent;
      } else if (r.type === 'remote-inbound-rtp' && r.kind === 'audio') {
        out.micReport = { roundTripTime: r.roundTripTime, roundTripTimeMeasurements: r.roundTripTimeMeasurements,
          packetsLost: r.packetsLost, fractionLost: r.fractionLost, jitter: r.jitter };
      } else if (r.type === 'transport') {
        out.transport = { dtlsState: r.dtlsState, srtpCipher: r.srtpCipher, dtlsRole: r.dtlsRole };
      }
    });
    report.forEach((r) => {
      if (r.type !== 'codec') return;
      if (out.video && out.video.codecId === r.id) out.video.mimeType = r.mimeType;
      if (out.audio && out.audio.codecId === r.id) out.audio.mimeType = r.mimeType;
    });
    return out;
  }

  function connect(options) {
    const opts = Object.assign({ mic: true, baseUrl: '/api/webrtc', preferVideoCodec: null, iceServers: [],
      reconnect: true, maxBackoffMs: 10000, onStateChange: null }, options || {});
    if (!opts.sessionId) throw new Error('WebAvatarWebRtc.connect: sessionId is required');

    const controller = {
      state: 'new', pc: null, peerUrl: null, micEnabled: !!opts.mic, closed: false, attempts: 0, lastError: null,
      setMicEnabled(enabled) {
        controller.micEnabled = !!enabled;
        if (micStream) micStream.getAudioTracks().forEach((t) => { t.enabled = controller.micEnabled; });
      },
      async getStats() { return controller.pc ? summarizeStats(controller.pc) : null; },
      async close() {
        controller.closed = true;
        await teardown();
        if (micStream) { micStream.getTracks().forEach((t) => t.stop()); micStream = null; }
        setState('closed');
      },
    };
    let micStream = null;

    function setState(state, detail) {
      if (controller.state === state) return;
      controller.state = state;
      if (typeof opts.onStateChange === 'function') {
        try { opts.onStateChange(state, detail); } catch (e) { console.error(e); }
      }
    }

    async function teardown() {
      const pc = controller.pc, url = controller.peerUrl;
      controller.pc = null; controller.peerUrl = null;
      if (pc) pc.close();
      if (url) { try { await fetch(url, { method: 'DELETE' }); } catch (e) { /* server may be gone */ } }
    }

    async function attempt() {
      const pc = new RTCPeerConnection({ iceServers: opts.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      controller.pc = pc;
      const stream = new MediaStream();
      pc.ontrack = (e) => {
        stream.addTrack(e.track);
        if (opts.videoElement && opts.videoElement.srcObject !== stream) opts.videoElement.srcObject = stream;
      };
      const video = pc.addTransceiver('video', { direction: 'recvonly' });
      preferCodec(video, opts.preferVideoCodec);
      if (opts.mic) {
        if (!micStream) {
          micStream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
        }
        micStream.getAudioTracks().forEach((t) => { t.enabled = controller.micEnabled; });
        pc.addTransceiver(micStream.getAudioTracks()[0], { direction: 'sendrecv', streams: [micStream] });
      } else {
        pc.addTransceiver('audio', { direction: 'recvonly' });
      }
      pc.onconnectionstatechange = () => {
        if (controller.pc !== pc) return;
        const s = pc.connectionState;
        if (s === 'connected') { controller.attempts = 0; setState('connected'); }
        else if (s === 'failed' || s === 'disconnected') { setState(s); scheduleReconnect(s); }
      };
      await pc.setLocalDescription(await pc.createOffer());
      await waitForIceGathering(pc, 2000);
      const response = await fetch(opts.baseUrl + '/' + encodeURIComponent(opts.sessionId), {
        method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp,
      });
      const body = await response.text();
      if (response.status !== 201) {
        const error = new Error('WebRTC offer rejected (' + response.status + '): ' + body);
        error.status = response.status;
        throw error;
      }
      // Against the offer's own URL: a page on another site (the web widget) talks to this server, not to its own.
      controller.peerUrl = new URL(response.headers.get('Location'), response.url).toString();
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      // The server ends a peer with DTLS close_notify; ICE alone would take ~5 s to notice.
      const dtls = pc.getTransceivers()[0].receiver.transport;
      if (dtls) {
        dtls.addEventListener('statechange', () => {
          if (controller.pc === pc && (dtls.state === 'closed' || dtls.state === 'failed')) {
            setState('disconnected', { reason: 'dtls ' + dtls.state });
            scheduleReconnect('dtls ' + dtls.state);
          }
        });
      }
      setState('connecting');
    }

    let reconnecting = false;
    async function scheduleReconnect(reason) {
      if (!opts.reconnect || controller.closed || reconnecting) return;
      reconnecting = true;
      try {
        while (!controller.closed) {
          controller.attempts++;
          const backoff = Math.min(opts.maxBackoffMs, 500 * Math.pow(2, controller.attempts - 1));
          setState('reconnecting', { reason, attempt: controller.attempts, backoffMs: backoff });
          await teardown();
          await wait(backoff);
          if (controller.closed) return;
          try { await attempt(); return; } catch (e) {
            controller.lastError = e;
            if (e.status === 404 || e.status === 400 || e.status === 415) { setState('failed', { error: String(e) }); return; }
          }
        }
      } finally { reconnecting = false; }
    }

    controller.ready = (async () => {
      setState('connecting');
      try { await attempt(); } catch (e) {
        controller.lastError = e;
        setState('failed', { error: String(e) });
        if (!(e.status === 404 || e.status === 400 || e.status === 415)) scheduleReconnect('initial attempt failed');
        else throw e;
      }
      return controller;
    })();
    return controller;
  }

  window.WebAvatarWebRtc = { connect, summarizeStats };
})();
