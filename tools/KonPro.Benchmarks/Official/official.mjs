// The official web SDK (@heygen/streaming-avatar 2.1.0, unmodified, on its own livekit-client 2.11.3) in Node, on
// @roamhq/wrtc for WebRTC and ws for the WebSocket: the other side of the benchmarks' --versus-official mode. It runs
// the same session as the .NET side, against the same fake room, and measures it in this process (performance.now):
//
//   create_start -> STREAM_READY, speak (REPEAT, ASYNC) -> avatar_start_talking, interrupt -> avatar_stop_talking,
//   stopAvatar -> STREAM_DISCONNECTED
//
//   node official.mjs serve <base url>          one session per {"token":"..."} line on stdin, one JSON line each on
//                                               stdout ({"ready_ms":..,"speak_ms":..,"interrupt_ms":..,"stop_ms":..});
//                                               {"ready":true} first, once the SDK is loaded
//   node official.mjs cold <base url> <token>   one session in this fresh process; its JSON line also has
//                                               "ready_monotonic_ns": CLOCK_MONOTONIC (process.hrtime) at STREAM_READY,
//                                               which the parent compares with its own clock before it started us
//
// It joins a LiveKit room over WebRTC, which ignores loopback: it runs only inside eng/netns-run (KONPRO_NETNS_ADDRESS)
// and exits with 2 elsewhere, before it loads WebRTC.
//
// The chat socket: the SDK opens it at wss://<host of basePath>/v1/ws/streaming.chat, on 443 whatever port basePath
// names (the production layout: API and chat socket behind one host). The fake serves plain http on a free port, so the
// WebSocket this process gives the SDK (the global a browser would provide) sends that one URL to the fake's own
// ws://<host>:<port>/v1/ws/streaming.chat; every other URL (LiveKit's signalling) is untouched. The SDK's code is not.
const [mode, baseUrl, coldToken] = process.argv.slice(2);
if (!['serve', 'cold'].includes(mode) || !baseUrl || (mode === 'cold' && !coldToken)) {
  process.stderr.write('usage: node official.mjs serve <base url> | node official.mjs cold <base url> <token>\n');
  process.exit(64);
}
if (!process.env.KONPRO_NETNS_ADDRESS) {
  process.stderr.write('official.mjs joins a LiveKit room over WebRTC and runs only inside a network namespace: eng/netns-run\n');
  process.exit(2);
}

const { default: wrtc } = await import('@roamhq/wrtc');
const { default: WebSocket } = await import('ws');

const api = new URL(baseUrl);
const chatOrigin = `wss://${api.hostname}/v1/ws/streaming.chat`;
const fakeChat = `${api.protocol === 'https:' ? 'wss' : 'ws'}://${api.host}/v1/ws/streaming.chat`;

/** ws, with the chat socket's production URL sent to the fake's port (see above). */
class LoopbackWebSocket extends WebSocket {
  constructor(url, protocols) {
    const text = String(url);
    super(text.startsWith(chatOrigin) ? fakeChat + text.slice(chatOrigin.length) : text, protocols);
  }
}

// What a browser would provide.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  MediaStream: wrtc.MediaStream,
  MediaStreamTrack: wrtc.MediaStreamTrack,
  WebSocket: LoopbackWebSocket,
});
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = { userAgent: 'node', mediaDevices: wrtc.mediaDevices };
}
// The SDK's connection-quality indicator (webrtc-issue-detector) reads and wraps window.RTCPeerConnection.
globalThis.window = globalThis;
// node-webrtc's RTCRtpReceiver.getStats rejects ("Not yet implemented"); livekit-client polls it for a remote video
// track's bitrate and would end the process with an unhandled rejection. That one is ignored, any other is not.
process.on('unhandledRejection', (reason) => {
  if (reason instanceof Error && reason.message.includes('Not yet implemented')) {
    return;
  }
  throw reason;
});

// The package's "main" is a CommonJS file under "type": "module", which Node cannot load; its "module" entry (the
// ES module build a bundler takes, the browser test's esbuild included) is the same SDK, loaded as it is.
const { default: StreamingAvatar, AvatarQuality, StreamingEvents, TaskMode, TaskType } = await import('@heygen/streaming-avatar/lib/index.esm.js');

// Long enough that the avatar is still talking when it is interrupted (the fake talks at the text's speaking pace).
// When the answers of new and start arrive (performance.now), for the breakdown of the time to STREAM_READY: the
// fetch the SDK calls is wrapped, the SDK is not.
const answered = {};
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const step = /\/v1\/streaming\.(new|start)$/.exec(new URL(String(input)).pathname)?.[1];
  if (step) answered[step] = performance.now();
  return response;
};

const text = 'Hello there! This sentence is long enough that the avatar is still talking when it is interrupted, '
  + 'which is the moment the interrupt figure measures, from the call to the avatar_stop_talking event.';
const timeoutMs = 30000;

/** The next `name` event after this call, with the performance.now() it arrived at. */
function next(avatar, name) {
  const promise = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${name}`)), timeoutMs);
    const handler = () => {
      clearTimeout(timer);
      avatar.off(name, handler);
      resolve({ at: performance.now(), monotonic: process.hrtime.bigint() });
    };
    avatar.on(name, handler);
  });
  // A session that fails before it awaits this (e.g. createStartAvatar rejects) reports that failure, not this one.
  promise.catch(() => {});
  return promise;
}

async function session(token) {
  const avatar = new StreamingAvatar({ token, basePath: baseUrl });
  const ready = next(avatar, StreamingEvents.STREAM_READY);
  const created = performance.now();
  await avatar.createStartAvatar({ avatarName: 'default', quality: AvatarQuality.Low, activityIdleTimeout: 300 });
  const resolved = performance.now();
  const readyAt = await ready;
  const { new: newAt, start: startAt } = answered;

  const startTalking = next(avatar, StreamingEvents.AVATAR_START_TALKING);
  const speaking = performance.now();
  await avatar.speak({ text, taskType: TaskType.REPEAT, taskMode: TaskMode.ASYNC });
  const startTalkingAt = await startTalking;

  const stopTalking = next(avatar, StreamingEvents.AVATAR_STOP_TALKING);
  const interrupting = performance.now();
  await avatar.interrupt();
  const stopTalkingAt = await stopTalking;

  const disconnected = next(avatar, StreamingEvents.STREAM_DISCONNECTED);
  const stopping = performance.now();
  await avatar.stopAvatar();
  const disconnectedAt = await disconnected;

  return {
    ready_ms: readyAt.at - created,
    speak_ms: startTalkingAt.at - speaking,
    interrupt_ms: stopTalkingAt.at - interrupting,
    stop_ms: disconnectedAt.at - stopping,
    new_ms: newAt - created,
    start_ms: startAt - newAt,
    room_ms: readyAt.at - startAt,
    chat_ms: resolved - readyAt.at,
    ready_monotonic_ns: String(readyAt.monotonic),
    ready_since_origin_ms: readyAt.at,
  };
}

const out = (message) => process.stdout.write(JSON.stringify(message) + '\n');

if (mode === 'cold') {
  try {
    out(await session(coldToken));
    // Whatever livekit-client or the quality indicator still has scheduled is not the session's: leave.
    process.exit(0);
  } catch (err) {
    out({ error: String(err?.message ?? err) });
    process.exit(1);
  }
}

const { createInterface } = await import('node:readline');
out({ ready: true });
let queue = Promise.resolve();
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (!line.trim()) return;
    const { token } = JSON.parse(line);
    queue = queue.then(() => session(token).then(out, (err) => out({ error: String(err?.message ?? err) })));
  })
  .on('close', () => queue.finally(() => process.exit(0)));
