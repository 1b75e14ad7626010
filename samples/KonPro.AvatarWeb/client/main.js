// The page: asks the server for a session, joins the LiveKit room as the user participant with the credentials it
// gets (the room's URL and the user's token; never the API key or the session token), plays the avatar, publishes
// the microphone, and shows what the server streams (Server-Sent Events). Bundled by esbuild into wwwroot/js/app.js.
import { Room, RoomEvent, Track } from 'livekit-client';

const $ = (id) => document.getElementById(id);
const ui = {
  video: $('avatar-video'), audio: $('avatar-audio'), sessionState: $('session-state'), avatarState: $('avatar-state'),
  voiceState: $('voice-state'), quality: $('quality'), caption: $('caption'), start: $('start'), stop: $('stop'),
  openMic: $('open-mic'), pushToTalk: $('push-to-talk'), form: $('message-form'), message: $('message'), send: $('send'),
  turns: $('turns'), latency: $('latency'),
};

let session = null; // { id, room: Room, events: EventSource, stopping, lost }
// How long the page keeps retrying a server it cannot reach before it says the session is over. The server ends a session
// whose page has had no event stream for AvatarWeb:PageGone (10 s by default), so after this long it is gone anyway.
const SERVER_GRACE_MS = 15000;
// For end-to-end tests and the console: the app's id of the running session.
window.__sessionId = () => session?.id ?? null;

function setState(element, state, text) {
  element.dataset.state = state;
  element.textContent = text ?? state;
}

function enableControls(on) {
  ui.start.disabled = on;
  for (const el of [ui.stop, ui.openMic, ui.pushToTalk, ui.message, ui.send]) el.disabled = !on;
}

async function start() {
  ui.start.disabled = true;
  setState(ui.sessionState, 'starting', 'starting…');
  const response = await fetch('/api/sessions', { method: 'POST' });
  if (!response.ok) {
    setState(ui.sessionState, 'failed', `start failed (${response.status})`);
    ui.start.disabled = false;
    return;
  }
  const { id, room: credentials } = await response.json();

  const room = new Room({ adaptiveStream: false, dynacast: false });
  room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind === Track.Kind.Video) track.attach(ui.video);
    if (track.kind === Track.Kind.Audio) track.attach(ui.audio);
  });
  room.on(RoomEvent.Disconnected, () => end(session?.stopping ? 'stopped' : 'room closed'));
  session = { id, room, events: listen(id) };
  await room.connect(credentials.url, credentials.token);
  setState(ui.sessionState, 'live', 'live');
  enableControls(true);
}

// What happens on the server's side, streamed from the SDK's observables.
function listen(id) {
  const events = new EventSource(`/api/sessions/${id}/events`);
  events.addEventListener('turn', (e) => {
    const turn = JSON.parse(e.data);
    const item = document.createElement('li');
    item.className = turn.role + (turn.interrupted ? ' interrupted' : '');
    item.dataset.role = turn.role;
    item.dataset.source = turn.source ?? '';
    item.dataset.interrupted = String(Boolean(turn.interrupted));
    item.textContent = turn.text;
    ui.turns.append(item);
    if (turn.role === 'assistant') {
      ui.caption.textContent = '';
      const ms = (v) => (v == null ? '–' : `${Math.round(v)} ms`);
      ui.latency.textContent = `first token ${ms(turn.firstTokenMs)}, first speech ${ms(turn.firstSpeechMs)}`;
    }
  });
  events.addEventListener('state', (e) => setState(ui.avatarState, JSON.parse(e.data).state));
  events.addEventListener('caption', (e) => { ui.caption.textContent += JSON.parse(e.data).text; });
  events.addEventListener('voice', (e) => {
    const { state } = JSON.parse(e.data);
    setState(ui.voiceState, state, state === 'speaking' ? 'you are speaking' : 'mic on');
  });
  events.addEventListener('quality', (e) => {
    const { state } = JSON.parse(e.data);
    setState(ui.quality, state, `quality: ${state.toLowerCase()}`);
  });
  events.addEventListener('ended', (e) => end(JSON.parse(e.data).reason));
  // The server went away (stopped, crashed, or the network between). EventSource retries by itself: say so while it does,
  // and give up after SERVER_GRACE_MS. A server that answers but no longer knows the session (it restarted) closes the
  // EventSource for good.
  events.addEventListener('open', () => serverBack(events));
  events.addEventListener('error', () => {
    if (session?.events !== events) return;
    if (events.readyState === EventSource.CLOSED) end('the server no longer knows this session');
    else serverLost();
  });
  return events;
}

function serverLost() {
  if (!session || session.lost) return;
  session.lost = setTimeout(() => end('the server is unreachable'), SERVER_GRACE_MS);
  setState(ui.sessionState, 'reconnecting', 'server unreachable, retrying…');
}

function serverBack(events) {
  if (session?.events !== events || !session.lost) return;
  clearTimeout(session.lost);
  session.lost = null;
  setState(ui.sessionState, 'live', 'live');
}

function end(reason) {
  if (!session) return;
  const { room, events, lost } = session;
  session = null;
  clearTimeout(lost);
  events.close();
  room.disconnect();
  setState(ui.sessionState, 'ended', `ended: ${reason}`);
  enableControls(false);
}

async function stop() {
  if (!session) return;
  // The room closes while the server stops the session, before the answer: that is the stop, not a room that failed.
  session.stopping = true;
  const { id } = session;
  try {
    await fetch(`/api/sessions/${id}`, { method: 'DELETE' });
  } catch {
    // The server is gone: the page ends its side all the same (the server ends a session whose page went away).
  }
  end('stopped');
}

async function microphone(on) {
  if (!session) return;
  await session.room.localParticipant.setMicrophoneEnabled(on);
  setState(ui.voiceState, on ? 'silent' : 'off', on ? 'mic on' : 'mic off');
}

ui.start.addEventListener('click', () => start().catch((err) => {
  setState(ui.sessionState, 'failed', `start failed: ${err.message}`);
  ui.start.disabled = false;
}));
ui.stop.addEventListener('click', () => stop());
ui.openMic.addEventListener('change', () => microphone(ui.openMic.checked));
ui.pushToTalk.addEventListener('pointerdown', () => microphone(true));
ui.pushToTalk.addEventListener('pointerup', () => { if (!ui.openMic.checked) microphone(false); });
ui.pushToTalk.addEventListener('pointerleave', () => { if (!ui.openMic.checked) microphone(false); });
ui.form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = ui.message.value.trim();
  if (!session || !text) return;
  ui.message.value = '';
  let response;
  try {
    response = await fetch(`/api/sessions/${session.id}/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }),
    });
  } catch {
    ui.message.value = text; // not sent: keep it to send again
    serverLost();
    return;
  }
  if (response.status === 404) end('the server no longer knows this session');
});
// Closing the tab ends the session at once (the server also notices the event stream is gone).
window.addEventListener('pagehide', () => {
  if (session) navigator.sendBeacon(`/api/sessions/${session.id}/leave`);
});
