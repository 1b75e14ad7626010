// An independent LiveKit client for the room tests: LiveKit's own Node SDK (the Rust core, signalling
// protocol 16). Joins <url> with <token>, consumes every subscribed track and reports what it sees as
// JSON lines on stdout. Reads commands as JSON lines on stdin:
//   {"cmd":"publish_data","text":"..."}   a reliable data packet
//   {"cmd":"publish_audio"}                a microphone track carrying a 440 Hz tone
//   {"cmd":"quiet_audio"}                  the microphone goes on sending, silence instead of the tone
//   {"cmd":"disconnect"}
//
//   node rtc-node-client.mjs <url> <token>
import { createInterface } from 'node:readline';
import {
  AudioFrame, AudioSource, AudioStream, dispose, LocalAudioTrack, Room, RoomEvent, TrackKind,
  TrackPublishOptions, TrackSource, VideoBufferType, VideoStream,
} from '@livekit/rtc-node';

const [url, token] = process.argv.slice(2);
const out = (message) => process.stdout.write(JSON.stringify({ at: Date.now(), ...message }) + '\n');
const room = new Room();
// The fake's avatar video is dark (luma about 40) while idle and bright (about 110) while talking.
const video = { frames: 0, first: 0, last: 0, width: 0, height: 0, talkingFrames: 0, idleFrames: 0 };
// Loud frames (RMS above 2000) count their samples and zero crossings, and each one's own frequency
// (its crossings / 2 / its duration, to 10 Hz) is counted in loudFrameHz, so a test can tell the tone
// from other audio by the median frame's frequency: a frame the media pump filled only in part (a gap
// under load) is one frame off the median, where it would pull a frequency taken over all samples down.
const audio = { frames: 0, samples: 0, sampleRate: 0, channels: 0, peak: 0, loudFrames: 0, loudSamples: 0, loudCrossings: 0, loudFrameHz: {} };
let tone = null;
let amplitude = 6000;
let finished = false;

async function consumeVideo(track) {
  for await (const { frame } of new VideoStream(track)) {
    const now = Date.now();
    if (video.frames === 0) video.first = now;
    video.last = now;
    video.frames++;
    video.width = frame.width;
    video.height = frame.height;
    const i420 = frame.type === VideoBufferType.I420 ? frame : frame.convert(VideoBufferType.I420);
    const luma = i420.getPlane(0);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < frame.width * frame.height; i += 7) {
      sum += luma[i];
      count++;
    }
    if (sum / count > 75) video.talkingFrames++;
    else video.idleFrames++;
  }
}

async function consumeAudio(track) {
  for await (const frame of new AudioStream(track)) {
    audio.frames++;
    audio.samples += frame.samplesPerChannel;
    audio.sampleRate = frame.sampleRate;
    audio.channels = frame.channels;
    let energy = 0;
    for (const s of frame.data) {
      if (Math.abs(s) > audio.peak) audio.peak = Math.abs(s);
      energy += s * s;
    }
    if (frame.channels === 1 && frame.data.length > 0 && Math.sqrt(energy / frame.data.length) > 2000) {
      audio.loudFrames++;
      audio.loudSamples += frame.data.length;
      let crossings = 0;
      for (let i = 1; i < frame.data.length; i++) if ((frame.data[i - 1] < 0) !== (frame.data[i] < 0)) crossings++;
      audio.loudCrossings += crossings;
      const hz = Math.round(crossings / 2 / (frame.data.length / frame.sampleRate) / 10) * 10;
      audio.loudFrameHz[hz] = (audio.loudFrameHz[hz] ?? 0) + 1;
    }
  }
}

function stats() {
  out({ type: 'video_stats', ...video });
  out({ type: 'audio_stats', ...audio });
}

room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
  const kind = track.kind === TrackKind.KIND_VIDEO ? 'video' : 'audio';
  out({ type: 'track_subscribed', kind, sid: publication.sid, participant: participant.identity });
  (kind === 'video' ? consumeVideo(track) : consumeAudio(track)).catch((err) => out({ type: 'error', message: String(err) }));
});
room.on(RoomEvent.ParticipantConnected, (p) => out({ type: 'participant_connected', identity: p.identity }));
room.on(RoomEvent.ParticipantDisconnected, (p) => out({ type: 'participant_disconnected', identity: p.identity }));
room.on(RoomEvent.DataReceived, (payload, participant, kind, topic) => {
  out({ type: 'data', payload: Buffer.from(payload).toString('utf8'), participant: participant?.identity ?? null, topic: topic ?? null });
});
room.on(RoomEvent.Disconnected, (reason) => {
  stats();
  out({ type: 'disconnected', reason });
  finish();
});

async function publishAudio() {
  const source = new AudioSource(48000, 1);
  const track = LocalAudioTrack.createAudioTrack('microphone', source);
  const publication = await room.localParticipant.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
  out({ type: 'audio_published', sid: publication.sid });
  let phase = 0;
  tone = setInterval(() => {
    const data = new Int16Array(480);
    for (let i = 0; i < data.length; i++) {
      data[i] = Math.round(Math.sin(phase) * amplitude);
      phase += 2 * Math.PI * 440 / 48000;
    }
    source.captureFrame(new AudioFrame(data, 48000, 1, 480)).catch(() => {});
  }, 10);
}

async function onCommand(line) {
  const command = JSON.parse(line);
  if (command.cmd === 'publish_data') {
    await room.localParticipant.publishData(new TextEncoder().encode(command.text), { reliable: true });
    out({ type: 'data_published' });
  } else if (command.cmd === 'publish_audio') {
    await publishAudio();
  } else if (command.cmd === 'quiet_audio') {
    amplitude = 0;
    out({ type: 'audio_quiet' });
  } else if (command.cmd === 'disconnect') {
    await room.disconnect();
    stats();
    finish();
  }
}

async function finish() {
  if (finished) return;
  finished = true;
  if (tone) clearInterval(tone);
  setTimeout(() => process.exit(0), 500).unref();
  await dispose().catch(() => {});
  process.exit(0);
}

const timer = setInterval(stats, 250);
timer.unref();
try {
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });
  out({ type: 'connected', identity: room.localParticipant.identity, room: room.name, participants: [...room.remoteParticipants.values()].map((p) => p.identity) });
} catch (err) {
  out({ type: 'connect_failed', message: String(err?.message ?? err) });
  await finish();
}
createInterface({ input: process.stdin })
  .on('line', (line) => {
    onCommand(line).catch((err) => out({ type: 'error', message: String(err?.message ?? err) }));
  })
  .on('close', () => {
    // The test is done with this client: leave and exit.
    if (!finished) onCommand('{"cmd":"disconnect"}').catch(() => finish());
  });
