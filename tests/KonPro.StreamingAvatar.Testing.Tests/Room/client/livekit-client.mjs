// The official JavaScript SDK's client (livekit-client, its current version; the web SDK's own pin, 2.11.3, joins in
// the browser test) in Node, on @roamhq/wrtc for WebRTC and ws for the WebSocket: the browser flow against the fake's
// room (a HEAD to the room url, a join at <url>/rtc/v1 that the room refuses, then at <url>/rtc with the token as the
// access_token query, signalling protocol 17). Reports what it
// sees as JSON lines on stdout; reads {"cmd":"publish_data","text":"..."} and {"cmd":"disconnect"} on stdin.
//
//   node livekit-client.mjs <url> <token>
import { createInterface } from 'node:readline';
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';

// What a browser would provide.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  MediaStream: wrtc.MediaStream,
  MediaStreamTrack: wrtc.MediaStreamTrack,
  WebSocket,
});
// node-webrtc's RTCRtpReceiver.getStats rejects ("Not yet implemented", and it cannot be replaced): livekit-client polls
// it every 2 s for a remote video track's bitrate, and the unhandled rejection ended this process whenever a test
// outlived the first poll (seen under load). That one rejection is ignored; any other still ends the process.
process.on('unhandledRejection', (reason) => {
  if (reason instanceof Error && reason.message.includes('Not yet implemented') && /getReceiverStats/.test(reason.stack ?? '')) {
    return;
  }
  throw reason;
});
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = { userAgent: 'node', mediaDevices: wrtc.mediaDevices };
}

const { Room, RoomEvent, Track } = await import('livekit-client');
const [url, token] = process.argv.slice(2);
const out = (message) => process.stdout.write(JSON.stringify({ at: Date.now(), ...message }) + '\n');
const room = new Room({ adaptiveStream: false, dynacast: false });
let finished = false;

async function finish() {
  if (finished) return;
  finished = true;
  setTimeout(() => process.exit(0), 300).unref();
}

room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
  out({ type: 'track_subscribed', kind: track.kind === Track.Kind.Video ? 'video' : 'audio', sid: publication.trackSid, participant: participant.identity });
});
room.on(RoomEvent.ParticipantConnected, (p) => out({ type: 'participant_connected', identity: p.identity }));
room.on(RoomEvent.DataReceived, (payload, participant, kind, topic) => {
  out({ type: 'data', payload: new TextDecoder().decode(payload), participant: participant?.identity ?? null, topic: topic ?? null });
});
room.on(RoomEvent.Disconnected, (reason) => {
  out({ type: 'disconnected', reason: reason ?? null });
  finish();
});

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = JSON.parse(line);
    const run = command.cmd === 'publish_data'
      ? room.localParticipant.publishData(new TextEncoder().encode(command.text), { reliable: true }).then(() => out({ type: 'data_published' }))
      : room.disconnect().then(finish);
    run.catch((err) => out({ type: 'error', message: String(err?.message ?? err) }));
  })
  .on('close', () => {
    if (!finished) room.disconnect().finally(finish);
  });

try {
  const head = await fetch(url.replace(/^ws/, 'http'), { method: 'HEAD' });
  out({ type: 'head', status: head.status });
  await room.prepareConnection(url, token);
  await room.connect(url, token, { autoSubscribe: true });
  out({ type: 'connected', identity: room.localParticipant.identity, room: room.name, participants: [...room.remoteParticipants.values()].map((p) => p.identity) });
} catch (err) {
  out({ type: 'connect_failed', message: String(err?.message ?? err) });
  finish();
}
