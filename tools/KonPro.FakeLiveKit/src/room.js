// One LiveKit room per KonPro session: the `avatar` participant (synthetic media, events as data
// packets) and the clients that join it over signalling.
import { randomBytes } from 'node:crypto';
import wrtc from '@roamhq/wrtc';
import {
  ConnectionQuality, ConnectionQualityInfo, ConnectionQualityUpdate, DataPacket, DataPacket_Kind, DisconnectReason, JoinResponse, LeaveRequest, LeaveRequest_Action,
  ParticipantInfo, ParticipantInfo_State, ParticipantPermission, ParticipantUpdate, Pong, Room as RoomInfo,
  ServerInfo, SessionDescription, SignalRequest, SignalResponse, SignalTarget, TrackInfo, TrackPublishedResponse,
  TrackSource, TrackType, UserPacket,
} from '@livekit/protocol';
import { AvatarMedia } from './media.js';

const { RTCPeerConnection, MediaStream, nonstandard } = wrtc;
const { RTCAudioSink } = nonstandard;

export const serverVersion = '1.9.0';

/** The qualities the control channel names, as LiveKit's wire values, with the score a LiveKit server reports beside each (1 to 5). */
export const connectionQualities = {
  excellent: { quality: ConnectionQuality.EXCELLENT, score: 4.5 },
  good: { quality: ConnectionQuality.GOOD, score: 3.8 },
  poor: { quality: ConnectionQuality.POOR, score: 2.5 },
  lost: { quality: ConnectionQuality.LOST, score: 0 },
};

export function newSid(prefix) {
  return prefix + randomBytes(6).toString('hex');
}

function nowSeconds() {
  return BigInt(Math.floor(Date.now() / 1000));
}

export class Room {
  constructor({ session, name, secret, report, media }) {
    this.session = session;
    this.name = name;
    this.secret = secret;
    this.report = report;
    this.mediaOptions = media;
    this.sid = newSid('RM_');
    this.createdAt = nowSeconds();
    this.clients = new Set();
    this.closed = false;
    this.avatar = null;
    this.quality = connectionQualities.excellent; // what a LiveKit server reports for a fresh connection
  }

  info() {
    return new RoomInfo({ sid: this.sid, name: this.name, emptyTimeout: 300, creationTime: this.createdAt, maxParticipants: 10 });
  }

  /** The avatar joins and publishes its tracks (at the session's `start`). */
  startAvatar() {
    if (this.avatar || this.closed) return;
    const media = new AvatarMedia(this.mediaOptions);
    const sid = newSid('PA_');
    const video = new TrackInfo({
      sid: newSid('TR_'), type: TrackType.VIDEO, name: 'avatar_video', source: TrackSource.CAMERA,
      width: media.width, height: media.height, mimeType: 'video/VP8',
    });
    const audio = new TrackInfo({
      sid: newSid('TR_'), type: TrackType.AUDIO, name: 'avatar_audio', source: TrackSource.MICROPHONE, mimeType: 'audio/opus',
    });
    this.avatar = { sid, identity: 'avatar', media, video, audio, joinedAt: nowSeconds(), state: ParticipantInfo_State.ACTIVE };
    media.start();
    for (const client of this.clients) client.avatarArrived();
    this.report({ type: 'avatar_started', session: this.session, video_track: video.sid, audio_track: audio.sid, fps: media.fps, width: media.width, height: media.height });
  }

  avatarInfo() {
    const a = this.avatar;
    return new ParticipantInfo({
      sid: a.sid, identity: a.identity, name: 'avatar', state: a.state, tracks: [a.video, a.audio],
      joinedAt: a.joinedAt, version: 1, isPublisher: true,
      permission: new ParticipantPermission({ canSubscribe: true, canPublish: true, canPublishData: true }),
    });
  }

  /** The other clients of the room, as a participant list (without their tracks: the room relays no client's media). */
  otherClients(except) {
    return [...this.clients].filter((c) => c !== except && !c.gone).map((c) => c.info(ParticipantInfo_State.ACTIVE, false));
  }

  /** Tells every client but `except` about `participant` (joined, or gone). */
  announce(participant, except) {
    for (const client of this.clients) if (client !== except) client.send({ case: 'update', value: new ParticipantUpdate({ participants: [participant] }) });
  }

  /**
   * Relays a client's data packet to the others, as LiveKit does: stamped with the sender's identity and sid (a
   * client cannot pose as another), to the destination identities when it names some.
   */
  relay(sender, user) {
    const packet = new DataPacket({
      kind: DataPacket_Kind.RELIABLE,
      participantIdentity: sender.identity,
      value: {
        case: 'user',
        value: new UserPacket({ participantSid: sender.sid, participantIdentity: sender.identity, payload: user.payload, topic: user.topic }),
      },
    });
    const bytes = packet.toBinary();
    const to = user.destinationIdentities?.length ? new Set(user.destinationIdentities) : null;
    let sent = 0;
    for (const client of this.clients) {
      if (client !== sender && (!to || to.has(client.identity)) && client.sendData(bytes)) sent++;
    }
    return sent;
  }

  /** Sends one event (a JSON object) from the avatar to every client on `_reliable`. */
  emit(event) {
    if (!this.avatar || this.closed) return 0;
    const payload = Buffer.from(typeof event === 'string' ? event : JSON.stringify(event), 'utf8');
    const packet = new DataPacket({
      kind: DataPacket_Kind.RELIABLE,
      participantIdentity: this.avatar.identity,
      value: { case: 'user', value: new UserPacket({ participantSid: this.avatar.sid, participantIdentity: this.avatar.identity, payload }) },
    });
    const bytes = packet.toBinary();
    let sent = 0;
    for (const client of this.clients) if (client.sendData(bytes)) sent++;
    return sent;
  }

  /**
   * Sets the connection quality the room reports to its clients (`excellent`, `good`, `poor` or `lost`): every client
   * gets a `connectionQuality` update about itself now, and a client that joins later gets this one once it is
   * connected. Returns how many clients it reached.
   */
  setConnectionQuality(name) {
    const quality = Object.hasOwn(connectionQualities, name) ? connectionQualities[name] : null;
    if (!quality) throw new Error(`connection_quality needs quality: one of ${Object.keys(connectionQualities).join(', ')}`);
    if (this.closed) return 0;
    this.quality = quality;
    let sent = 0;
    for (const client of this.clients) if (client.sendQuality()) sent++;
    return sent;
  }

  setTalking(words) {
    this.avatar?.media.setTalking(words);
  }

  /** Queues speech audio (a Buffer of PCM16 mono at `sampleRate`) on the avatar's audio track. */
  speakAudio(pcm, sampleRate) {
    if (!this.avatar) throw new Error('the avatar has not started');
    this.avatar.media.queueSpeech(pcm, sampleRate);
  }

  /** Drops the avatar's speech audio not yet played. */
  clearSpeech() {
    this.avatar?.media.clearSpeech();
  }

  /** Ends the room: every client gets the avatar's departure and a `leave` (ROOM_DELETED). */
  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.avatar) this.avatar.state = ParticipantInfo_State.DISCONNECTED;
    for (const client of [...this.clients]) client.kick(this.avatar ? this.avatarInfo() : null);
    this.avatar?.media.stop();
  }
}

/** One client joined over signalling: its subscriber transport (server-offered) and publisher transport. */
export class ClientParticipant {
  constructor({ room, socket, identity, name, protocol, sdk, log }) {
    this.room = room;
    this.socket = socket;
    this.identity = identity;
    this.name = name || identity;
    this.protocol = protocol;
    this.sdk = sdk;
    this.log = log;
    this.sid = newSid('PA_');
    this.joinedAt = nowSeconds();
    this.tracks = new Map();
    this.offerId = 0;
    this.negotiating = false;
    this.renegotiate = false;
    this.pendingData = [];
    this.pendingCandidates = { [SignalTarget.SUBSCRIBER]: [], [SignalTarget.PUBLISHER]: [] };
    this.sinks = [];
    this.gone = false;
    this.connected = false;
  }

  report(message) {
    this.room.report({ session: this.room.session, identity: this.identity, ...message });
  }

  send(message) {
    if (this.socket.readyState !== 1) return false;
    if (process.env.KONPRO_FAKE_LIVEKIT_TRACE) this.log(`signal out: ${message.case}`);
    this.socket.send(new SignalResponse({ message }).toBinary());
    return true;
  }

  /**
   * Tells the client the room's connection quality for its own connection, as a LiveKit server's `connectionQuality`
   * update does; only once its subscriber transport is connected (a client that is still joining ignores it).
   * Returns whether it went out.
   */
  sendQuality() {
    if (this.gone || !this.connected) return false;
    const { quality, score } = this.room.quality;
    const update = new ConnectionQualityUpdate({ updates: [new ConnectionQualityInfo({ participantSid: this.sid, quality, score })] });
    const sent = this.send({ case: 'connectionQuality', value: update });
    if (sent) this.report({ type: 'connection_quality_sent', quality: ConnectionQuality[quality].toLowerCase() });
    return sent;
  }

  info(state = ParticipantInfo_State.JOINED, withTracks = true) {
    return new ParticipantInfo({
      sid: this.sid, identity: this.identity, name: this.name, state, joinedAt: this.joinedAt, version: 1,
      tracks: withTracks ? [...this.tracks.values()] : [],
      permission: new ParticipantPermission({ canSubscribe: true, canPublish: true, canPublishData: true }),
    });
  }

  async join() {
    this.room.clients.add(this);
    const room = this.room;
    this.send({
      case: 'join',
      value: new JoinResponse({
        room: room.info(),
        participant: this.info(),
        otherParticipants: [...(room.avatar ? [room.avatarInfo()] : []), ...room.otherClients(this)],
        serverVersion,
        subscriberPrimary: true,
        pingTimeout: 15,
        pingInterval: 5,
        serverInfo: new ServerInfo({ version: serverVersion, protocol: 16, nodeId: 'konpro-fake' }),
      }),
    });
    this.report({ type: 'participant_joined', sid: this.sid, protocol: this.protocol, sdk: this.sdk });
    room.announce(this.info(ParticipantInfo_State.ACTIVE, false), this);

    const sub = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.subscriber = sub;
    sub.onicecandidate = (e) => this.trickle(e.candidate, SignalTarget.SUBSCRIBER);
    sub.oniceconnectionstatechange = () => {
      // Connected: a LiveKit server reports the fresh connection's quality (excellent, unless the test set another).
      if (this.connected || !['connected', 'completed'].includes(sub.iceConnectionState)) return;
      this.connected = true;
      this.sendQuality();
    };
    this.reliable = sub.createDataChannel('_reliable', { ordered: true });
    this.lossy = sub.createDataChannel('_lossy', { ordered: false, maxRetransmits: 0 });
    this.reliable.binaryType = 'arraybuffer';
    this.reliable.onopen = () => {
      const queued = this.pendingData;
      this.pendingData = [];
      for (const bytes of queued) this.reliable.send(bytes);
    };
    if (room.avatar) this.addAvatarTracks();
    await this.negotiate();
  }

  addAvatarTracks() {
    const { avatar } = this.room;
    if (!avatar || this.avatarTracksAdded || !this.subscriber) return;
    this.avatarTracksAdded = true;
    this.subscriber.addTrack(avatar.media.videoTrack, new MediaStream({ id: `${avatar.sid}|${avatar.video.sid}` }));
    this.subscriber.addTrack(avatar.media.audioTrack, new MediaStream({ id: `${avatar.sid}|${avatar.audio.sid}` }));
  }

  /** The avatar started after this client joined: announce it, then renegotiate with its tracks. */
  avatarArrived() {
    this.send({ case: 'update', value: new ParticipantUpdate({ participants: [this.room.avatarInfo()] }) });
    this.addAvatarTracks();
    this.negotiate().catch((err) => this.log(`renegotiation failed: ${err.message}`));
  }

  async negotiate() {
    if (this.gone) return;
    if (this.negotiating) {
      this.renegotiate = true;
      return;
    }
    this.negotiating = true;
    const offer = await this.subscriber.createOffer();
    await this.subscriber.setLocalDescription(offer);
    this.offerId++;
    this.send({ case: 'offer', value: new SessionDescription({ type: 'offer', sdp: offer.sdp, id: this.offerId }) });
  }

  trickle(candidate, target) {
    if (!candidate || !candidate.candidate) return;
    const candidateInit = JSON.stringify({ candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex });
    this.send({ case: 'trickle', value: { candidateInit, target } });
  }

  sendData(bytes) {
    if (this.gone) return false;
    if (process.env.KONPRO_FAKE_LIVEKIT_TRACE) this.log(`data out: ${bytes.length} bytes, channel ${this.reliable?.readyState}`);
    // In order, always: the channel reads 'open' before its open event has flushed what was queued while it opened,
    // so a packet goes out directly only when nothing is waiting ahead of it.
    if (this.reliable && this.reliable.readyState === 'open' && this.pendingData.length === 0) this.reliable.send(bytes);
    else this.pendingData.push(bytes);
    return true;
  }

  async onMessage(data, isBinary) {
    const request = isBinary ? SignalRequest.fromBinary(new Uint8Array(data)) : SignalRequest.fromJsonString(data.toString());
    const { case: kind, value } = request.message;
    if (process.env.KONPRO_FAKE_LIVEKIT_TRACE) this.log(`signal in: ${kind}`);
    switch (kind) {
      case 'answer':
        await this.subscriber.setRemoteDescription({ type: 'answer', sdp: value.sdp });
        await this.flushCandidates(SignalTarget.SUBSCRIBER);
        this.negotiating = false;
        if (this.renegotiate) {
          this.renegotiate = false;
          await this.negotiate();
        }
        break;
      case 'offer':
        await this.onPublisherOffer(value);
        break;
      case 'trickle':
        await this.addCandidate(value);
        break;
      case 'addTrack':
        this.onAddTrack(value);
        break;
      case 'mute': {
        const track = [...this.tracks.values()].find((t) => t.sid === value.sid);
        if (track) track.muted = value.muted;
        this.report({ type: 'track_muted', track: value.sid, muted: value.muted });
        break;
      }
      case 'ping':
        this.send({ case: 'pong', value: BigInt(Date.now()) });
        break;
      case 'pingReq':
        this.send({ case: 'pongResp', value: new Pong({ lastPingTimestamp: value.timestamp, timestamp: BigInt(Date.now()) }) });
        break;
      case 'leave':
        this.leave('client_left');
        break;
      default:
        break; // subscription, track settings, layers, sync state and the rest need no answer here
    }
  }

  onAddTrack(request) {
    const isAudio = request.type === TrackType.AUDIO;
    const track = new TrackInfo({
      sid: newSid('TR_'), type: request.type, name: request.name, source: request.source, muted: request.muted,
      width: request.width, height: request.height, mimeType: isAudio ? 'audio/opus' : 'video/VP8', stream: request.stream,
    });
    this.tracks.set(request.cid, track);
    this.send({ case: 'trackPublished', value: new TrackPublishedResponse({ cid: request.cid, track }) });
    this.report({
      type: 'track_published', track: track.sid, cid: request.cid, name: request.name,
      kind: isAudio ? 'audio' : request.type === TrackType.VIDEO ? 'video' : 'data',
      source: TrackSource[request.source]?.toLowerCase() ?? String(request.source),
    });
  }

  async onPublisherOffer(description) {
    if (!this.publisher) {
      const pub = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      this.publisher = pub;
      pub.onicecandidate = (e) => this.trickle(e.candidate, SignalTarget.PUBLISHER);
      pub.ondatachannel = (e) => {
        const channel = e.channel;
        channel.binaryType = 'arraybuffer';
        channel.onmessage = (m) => this.onPublishedData(m.data, channel.label);
      };
      pub.ontrack = (e) => this.onPublishedTrack(e);
    }
    await this.publisher.setRemoteDescription({ type: 'offer', sdp: description.sdp });
    await this.flushCandidates(SignalTarget.PUBLISHER);
    const answer = await this.publisher.createAnswer();
    await this.publisher.setLocalDescription(answer);
    this.send({ case: 'answer', value: new SessionDescription({ type: 'answer', sdp: answer.sdp, id: description.id }) });
  }

  onPublishedData(data, label) {
    let packet;
    try {
      packet = DataPacket.fromBinary(new Uint8Array(typeof data === 'string' ? Buffer.from(data) : data));
    } catch (err) {
      this.report({ type: 'data_invalid', error: err.message });
      return;
    }
    if (packet.value.case !== 'user') return;
    const user = packet.value.value;
    const relayed = this.room.relay(this, user);
    this.report({
      type: 'data_received', topic: user.topic ?? '', channel: label,
      payload: Buffer.from(user.payload).toString('utf8'), relayed_to: relayed,
    });
  }

  onPublishedTrack(event) {
    const track = event.track;
    const streamId = event.streams?.[0]?.id ?? '';
    const sid = () => this.tracks.get(track.id)?.sid ?? '';
    this.report({ type: 'track_received', kind: track.kind, stream: streamId, track_id: track.id, track: sid() });
    if (track.kind !== 'audio') return;
    const sink = new RTCAudioSink(track);
    this.sinks.push(sink);
    let frames = 0;
    let samples = 0;
    let values = 0;
    let sumSquares = 0;
    let peak = 0;
    let rate = 0;
    let lastReport = performance.now();
    sink.ondata = (d) => {
      frames++;
      rate = d.sampleRate;
      const s = d.samples;
      for (let i = 0; i < s.length; i++) {
        sumSquares += s[i] * s[i];
        const a = Math.abs(s[i]);
        if (a > peak) peak = a;
      }
      values += s.length;
      samples += s.length / (d.channelCount || 1);
      const now = performance.now();
      if (now - lastReport >= 500) {
        const rms = Math.sqrt(sumSquares / Math.max(1, values)) / 32768;
        this.report({ type: 'audio_level', track_id: track.id, track: sid(), frames, seconds: samples / (rate || 48000), sample_rate: rate, rms, peak: peak / 32768 });
        lastReport = now;
        frames = 0;
        samples = 0;
        values = 0;
        sumSquares = 0;
        peak = 0;
      }
    };
  }

  async addCandidate(trickle) {
    let init;
    try {
      init = JSON.parse(trickle.candidateInit);
    } catch {
      return;
    }
    if (!init || !init.candidate) return;
    const target = trickle.target === SignalTarget.PUBLISHER ? SignalTarget.PUBLISHER : SignalTarget.SUBSCRIBER;
    const pc = target === SignalTarget.PUBLISHER ? this.publisher : this.subscriber;
    if (!pc || !pc.remoteDescription) {
      this.pendingCandidates[target].push(init);
      return;
    }
    await pc.addIceCandidate(init).catch((err) => this.log(`candidate rejected: ${err.message}`));
  }

  async flushCandidates(target) {
    const pc = target === SignalTarget.PUBLISHER ? this.publisher : this.subscriber;
    const queued = this.pendingCandidates[target];
    this.pendingCandidates[target] = [];
    for (const init of queued) await pc.addIceCandidate(init).catch((err) => this.log(`candidate rejected: ${err.message}`));
  }

  /** The room ends: tell the client the avatar left, then send `leave` and close. */
  kick(avatarInfo) {
    if (this.gone) return;
    if (avatarInfo) this.send({ case: 'update', value: new ParticipantUpdate({ participants: [avatarInfo] }) });
    this.send({ case: 'leave', value: new LeaveRequest({ canReconnect: false, reason: DisconnectReason.ROOM_DELETED, action: LeaveRequest_Action.DISCONNECT }) });
    this.leave('room_closed');
    setTimeout(() => this.socket.close(1000, 'room closed'), 200).unref();
  }

  /** Whatever the cause, the client is gone: one close path. */
  leave(reason) {
    if (this.gone) return;
    this.gone = true;
    this.room.clients.delete(this);
    this.room.announce(this.info(ParticipantInfo_State.DISCONNECTED, false), this);
    for (const sink of this.sinks) sink.stop();
    this.subscriber?.close();
    this.publisher?.close();
    this.report({ type: 'participant_left', sid: this.sid, reason });
  }
}
