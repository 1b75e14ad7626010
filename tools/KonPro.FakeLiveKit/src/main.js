#!/usr/bin/env node
// KonPro fake LiveKit room server. Serves LiveKit signalling (`<url>/rtc`, binary protobuf, protocol 15
// to 17; not the single-connection `<url>/rtc/v1`, which clients fall back from) and WebRTC media, one room per KonPro session, driven by its parent over stdin/stdout JSON
// lines (see README.md). Exits when stdin closes, so it never outlives the process that started it.
//
//   node src/main.js [--host 127.0.0.1] [--port 0] [--fps 15] [--width 320] [--height 240] [--cors '*'] [--cert FILE --key FILE]
//
// With --cert and --key (PEM) the signalling is served over TLS (wss://, https:// for livekit-client's HTTP calls).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';
import { applyCors, parseOrigins } from './cors.js';
import { ClientParticipant, connectionQualities, Room, serverVersion } from './room.js';
import { peekClaims, TokenError, verifyToken } from './token.js';

function parseArgs(argv) {
  const options = { host: '127.0.0.1', port: 0, fps: 15, width: 320, height: 240, cors: '*', cert: '', key: '' };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    const value = argv[++i];
    if (!(name in options) || value === undefined) {
      process.stderr.write(`unknown or incomplete option ${argv[i - 1]}\n`);
      process.exit(2);
    }
    options[name] = typeof options[name] === 'string' ? value : Number(value);
  }
  if (!options.cert !== !options.key) {
    process.stderr.write('--cert and --key go together\n');
    process.exit(2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const corsOrigins = parseOrigins(options.cors);
const rooms = new Map(); // session id -> Room
const roomsByName = new Map();

function report(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function log(text) {
  process.stderr.write(`[fake-livekit] ${text}\n`);
}

function roomOf(command) {
  const room = rooms.get(String(command.session));
  if (!room) throw new Error(`no room for session ${command.session}`);
  return room;
}

const commands = {
  create_room(command) {
    const session = String(command.session ?? '');
    const secret = String(command.secret ?? '');
    if (!session || !secret) throw new Error('create_room needs session and secret');
    if (rooms.has(session)) return { room_sid: rooms.get(session).sid };
    const name = String(command.room ?? session);
    const room = new Room({
      session, name, secret, report,
      media: { fps: options.fps, width: options.width, height: options.height },
    });
    rooms.set(session, room);
    roomsByName.set(name, room);
    return { room_sid: room.sid, room: name };
  },
  start_avatar(command) {
    roomOf(command).startAvatar();
    return {};
  },
  emit(command) {
    return { delivered_to: roomOf(command).emit(command.event) };
  },
  connection_quality(command) {
    // One session's room, or every room when the command names no session; a session without a room reaches no one.
    const quality = String(command.quality ?? '');
    if (!Object.hasOwn(connectionQualities, quality)) throw new Error(`connection_quality needs quality: one of ${Object.keys(connectionQualities).join(', ')}`);
    const targets = command.session == null ? [...rooms.values()] : [rooms.get(String(command.session))].filter(Boolean);
    return { delivered_to: targets.reduce((sum, room) => sum + room.setConnectionQuality(quality), 0) };
  },
  talking(command) {
    roomOf(command).setTalking(command.words ?? null);
    return {};
  },
  speak_audio(command) {
    const sampleRate = Number(command.sample_rate ?? 24000);
    if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48000) throw new Error('speak_audio needs sample_rate between 8000 and 48000');
    if (typeof command.audio !== 'string') throw new Error('speak_audio needs audio (base64 PCM16 mono)');
    roomOf(command).speakAudio(Buffer.from(command.audio, 'base64'), sampleRate);
    return {};
  },
  clear_audio(command) {
    roomOf(command).clearSpeech();
    return {};
  },
  close_room(command) {
    const room = rooms.get(String(command.session));
    if (room) {
      room.close();
      rooms.delete(room.session);
      roomsByName.delete(room.name);
    }
    return {};
  },
  shutdown() {
    setImmediate(shutdown);
    return {};
  },
};

function onCommand(line) {
  if (!line.trim()) return;
  let command;
  try {
    command = JSON.parse(line);
  } catch {
    report({ type: 'error', message: 'control line is not JSON' });
    return;
  }
  const handler = commands[command.cmd];
  try {
    if (!handler) throw new Error(`unknown command ${command.cmd}`);
    const result = handler(command);
    if (command.id !== undefined) report({ type: 'ack', id: command.id, ok: true, ...result });
  } catch (err) {
    if (command.id !== undefined) report({ type: 'ack', id: command.id, ok: false, error: err.message });
    else report({ type: 'error', message: err.message });
  }
}

function onHttpRequest(req, res) {
  // livekit-client sends HEAD <url> first and GET <url>/rtc/validate after a failed join: any answer will do, with
  // CORS for a page on another origin (a preflight is answered by applyCors).
  if (applyCors(corsOrigins, req, res)) return;
  // livekit-client 2.15 and later first join at <url>/rtc/v1 (a gzipped JoinRequest in the query, one peer
  // connection). This room serves only the /rtc signalling; like a LiveKit server without v1, the upgrade to /rtc/v1
  // is refused and its validate answers 404, which makes the client join again at /rtc (its own fallback). The text
  // must not say "requested room does not exist": the client takes that as a refusal.
  if (new URL(req.url, 'http://room').pathname.replace(/\/+$/, '').endsWith('/rtc/v1/validate')) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(req.method === 'HEAD' ? undefined : 'signalling v1 is not served here; join at /rtc');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(req.method === 'HEAD' ? undefined : 'OK');
}

const http = options.cert
  ? createTlsServer({ cert: readFileSync(options.cert), key: readFileSync(options.key) }, onHttpRequest)
  : createServer(onHttpRequest);

const wss = new WebSocketServer({ noServer: true });

function reject(socket, status, text) {
  socket.write(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
  socket.destroy();
}

http.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://room');
  if (!url.pathname.replace(/\/+$/, '').endsWith('/rtc')) {
    reject(socket, 404, 'not found');
    return;
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const token = bearer ? bearer[1] : url.searchParams.get('access_token');
  let claims;
  let room;
  try {
    if (!token) throw new TokenError('no access token');
    const roomName = peekClaims(token)?.video?.room;
    room = roomsByName.get(String(roomName));
    if (!room) {
      reject(socket, 404, 'requested room does not exist');
      return;
    }
    claims = verifyToken(token, room.secret);
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    report({ type: 'join_rejected', reason: err.message });
    reject(socket, 401, err.message);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const client = new ClientParticipant({
      room, socket: ws, identity: claims.sub, name: claims.name, log,
      protocol: Number(url.searchParams.get('protocol') ?? 0), sdk: url.searchParams.get('sdk') ?? '',
    });
    let chain = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      chain = chain.then(() => client.onMessage(data, isBinary)).catch((err) => log(`signal error: ${err.stack ?? err}`));
    });
    ws.on('close', () => client.leave('signal_closed'));
    ws.on('error', (err) => log(`socket error: ${err.message}`));
    chain = chain.then(() => client.join()).catch((err) => log(`join failed: ${err.stack ?? err}`));
  });
});

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  for (const room of rooms.values()) room.close();
  rooms.clear();
  roomsByName.clear();
  setTimeout(() => process.exit(0), 300).unref();
  wss.close();
  http.close(() => process.exit(0));
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

http.listen(options.port, options.host, () => {
  const address = http.address();
  report({ type: 'ready', host: address.address, port: address.port, version: serverVersion, fps: options.fps, width: options.width, height: options.height, tls: !!options.cert });
  const input = createInterface({ input: process.stdin });
  input.on('line', onCommand);
  input.on('close', shutdown);
});
