// LiveKit's own Node SDK (@livekit/rtc-node, on the same Rust core, livekit-ffi, that the .NET SDK's LiveKit connector
// wraps) joining the fake's room: the benchmarks' --versus-official times the core's room join alone with it, beside the
// .NET SDK's join and livekit-client's (the official SDK's), to tell the core's time from the wrapper's.
//
//   node core-join.mjs serve <base url>   one join per {"token":"..."} line on stdin: new and start over REST (not
//                                         timed), then Room.connect until both tracks are subscribed (timed with
//                                         performance.now), disconnect and stop; one JSON line each on stdout
//                                         ({"connect_ms":..,"tracks_ms":..}); {"ready":true} first
//
// It joins a LiveKit room over WebRTC, which ignores loopback: it runs only inside eng/netns-run (KONPRO_NETNS_ADDRESS)
// and exits with 2 elsewhere, before it loads the core.
const [mode, baseUrl] = process.argv.slice(2);
if (mode !== 'serve' || !baseUrl) {
  process.stderr.write('usage: node core-join.mjs serve <base url>\n');
  process.exit(64);
}
if (!process.env.KONPRO_NETNS_ADDRESS) {
  process.stderr.write('core-join.mjs joins a LiveKit room over WebRTC and runs only inside a network namespace: eng/netns-run\n');
  process.exit(2);
}

const { Room, RoomEvent, dispose } = await import('@livekit/rtc-node');
const { createInterface } = await import('node:readline');
const timeoutMs = 30000;

async function post(path, body, token) {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()).data;
}

async function join(token) {
  const session = await post('/v1/streaming.new', { avatar_name: 'default', quality: 'low', version: 'v2', activity_idle_timeout: 300 }, token);
  await post('/v1/streaming.start', { session_id: session.session_id }, token);
  const room = new Room();
  try {
    let tracks = 0;
    const subscribed = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for both tracks')), timeoutMs);
      room.on(RoomEvent.TrackSubscribed, () => {
        if (++tracks === 2) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      });
    });
    subscribed.catch(() => {});
    const started = performance.now();
    await room.connect(session.url, session.access_token, { autoSubscribe: true, dynacast: false });
    const connected = performance.now();
    const both = await subscribed;
    return { connect_ms: connected - started, tracks_ms: both - started };
  } finally {
    await room.disconnect();
    await post('/v1/streaming.stop', { session_id: session.session_id }, token).catch(() => {});
  }
}

const out = (message) => process.stdout.write(JSON.stringify(message) + '\n');
out({ ready: true });
let queue = Promise.resolve();
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (!line.trim()) return;
    const { token } = JSON.parse(line);
    queue = queue.then(() => join(token).then(out, (err) => out({ error: String(err?.message ?? err) })));
  })
  .on('close', () => queue.finally(async () => {
    await dispose();
    process.exit(0);
  }));
