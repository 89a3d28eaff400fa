// WebAvatar WebRTC client: receives the avatar's video+audio and sends the microphone.
// Classic script; exposes window.WebAvatarWebRtc.connect(options) -> controller.
//   options: { sessionId, videoElement, mic = true, baseUrl = '/api/webrtc', preferVideoCodec = null ('H264'|'VP8'),
//              iceServers = [], reconnect = true, maxBackoffMs = 10000, onStateChange(state, detail), composite = true }
//   controller: { state, peerUrl, pc, videoLayout, canvas, setMicEnabled(bool), micEnabled, getStats() -> summary, close() }
// When the server says the video carries transparency (answer header X-WebAvatar-Video-Layout: color-alpha-side-by-side:
// premultiplied colour on the left half, opacity as grey on the right) and `composite` is on, a WebGL canvas takes the video
// element's place and shows the avatar on a truly transparent background; the video element keeps playing the sound.
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

  const vertexShader = 'attribute vec2 p; varying vec2 uv;' +
    'void main() { uv = vec2((p.x + 1.0) * 0.5, (1.0 - p.y) * 0.5); gl_Position = vec4(p, 0.0, 1.0); }';
  // Colour and opacity are sampled at the same picture position; the clamp keeps the filter off the seam between the halves.
  const fragmentShader = 'precision mediump float; uniform sampler2D frame; uniform float halfTexel; varying vec2 uv;' +
    'void main() { float x = clamp(uv.x * 0.5, halfTexel, 0.5 - halfTexel);' +
    ' float a = texture2D(frame, vec2(x + 0.5, uv.y)).g;' +
    ' vec3 c = min(texture2D(frame, vec2(x, uv.y)).rgb, vec3(a));' +
    ' gl_FragColor = vec4(c, a); }';

  function compile(gl, type, source) {
    const shader = gl.createShader(type);
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error('shader: ' + gl.getShaderInfoLog(shader));
    return shader;
  }

  // Draws each decoded frame of a side-by-side video into a premultiplied-alpha WebGL canvas placed where the video was.
  function alphaCompositor(video) {
    const canvas = document.createElement('canvas');
    canvas.className = video.className + ' webavatar-alpha';
    canvas.style.cssText = video.style.cssText;
    canvas.setAttribute('aria-label', video.getAttribute('aria-label') || 'avatar');
    const gl = canvas.getContext('webgl', { alpha: true, premultipliedAlpha: true, preserveDrawingBuffer: true, antialias: false });
    if (!gl) return null;
    const program = gl.createProgram();
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, vertexShader));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, fragmentShader));
    gl.linkProgram(program);
    gl.useProgram(program);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    const position = gl.getAttribLocation(program, 'p');
    gl.enableVertexAttribArray(position);
    gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    const halfTexel = gl.getUniformLocation(program, 'halfTexel');
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);

    const hidden = { position: video.style.position, opacity: video.style.opacity, width: video.style.width, height: video.style.height, pointerEvents: video.style.pointerEvents };
    video.parentNode.insertBefore(canvas, video.nextSibling);
    // Still in the page (a hidden video may stop decoding), but invisible: its sound still plays.
    Object.assign(video.style, { position: 'absolute', opacity: '0', width: '2px', height: '2px', pointerEvents: 'none' });

    let stopped = false, frames = 0;
    function draw() {
      if (stopped) return;
      if (video.videoWidth > 1 && video.readyState >= 2) {
        const width = video.videoWidth >> 1, height = video.videoHeight;
        if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; gl.viewport(0, 0, width, height); }
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, video);
        gl.uniform1f(halfTexel, 0.5 / video.videoWidth);
        gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
        frames++;
      }
      schedule();
    }
    function schedule() {
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(draw); else requestAnimationFrame(draw);
    }
    schedule();
    return {
      canvas,
      get frames() { return frames; },
      stop() {
        stopped = true;
        canvas.remove();
        Object.assign(video.style, hidden);
      },
    };
  }

  function connect(options) {
    const opts = Object.assign({ mic: true, baseUrl: '/api/webrtc', preferVideoCodec: null, iceServers: [],
      reconnect: true, maxBackoffMs: 10000, onStateChange: null, composite: true }, options || {});
    if (!opts.sessionId) throw new Error('WebAvatarWebRtc.connect: sessionId is required');

    const controller = {
      state: 'new', pc: null, peerUrl: null, micEnabled: !!opts.mic, closed: false, attempts: 0, lastError: null,
      videoLayout: 'opaque', compositor: null,
      get canvas() { return controller.compositor ? controller.compositor.canvas : null; },
      setMicEnabled(enabled) {
        controller.micEnabled = !!enabled;
        if (micStream) micStream.getAudioTracks().forEach((t) => { t.enabled = controller.micEnabled; });
      },
      async getStats() { return controller.pc ? summarizeStats(controller.pc) : null; },
      async close() {
        controller.closed = true;
        if (controller.compositor) { controller.compositor.stop(); controller.compositor = null; }
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
      controller.videoLayout = response.headers.get('X-WebAvatar-Video-Layout') || 'opaque';
      if (controller.videoLayout === 'color-alpha-side-by-side' && opts.composite && opts.videoElement && !controller.compositor) {
        controller.compositor = alphaCompositor(opts.videoElement);
        if (!controller.compositor) console.warn('WebAvatar: no WebGL here, the avatar shows colour and opacity side by side');
      }
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
