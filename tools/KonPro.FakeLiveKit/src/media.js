// The avatar's synthetic media: an I420 video track that shows a frame counter, whether the avatar is
// talking and the words it is speaking, and a 48 kHz mono audio track that carries the speech audio it was
// given (the realtime socket's utterances) while there is some, else a tone while the avatar talks and
// silence otherwise. One clock drives both, catching up after a late timer.
import wrtc from '@roamhq/wrtc';
import { cellHeight, cellWidth, drawText, wrap } from './font.js';

const { RTCAudioSource, RTCVideoSource } = wrtc.nonstandard;

/** Luma and chroma of the background: dark blue while idle, green while talking. */
const idle = { y: 40, u: 170, v: 110 };
const talking = { y: 110, u: 90, v: 80 };
const textLuma = 235;
const chunkMs = 10;

export class AvatarMedia {
  constructor({ width = 320, height = 240, fps = 15, sampleRate = 48000, toneHz = 440 } = {}) {
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.sampleRate = sampleRate;
    this.toneHz = toneHz;
    this.videoSource = new RTCVideoSource();
    this.audioSource = new RTCAudioSource();
    this.videoTrack = this.videoSource.createTrack();
    this.audioTrack = this.audioSource.createTrack();
    this.frames = 0;
    this.audioChunks = 0;
    this.words = null;
    this.phase = 0;
    this.timer = null;
    this.frame = new Uint8ClampedArray(width * height * 3 / 2);
    this.samplesPerChunk = sampleRate * chunkMs / 1000;
    this.samples = new Int16Array(this.samplesPerChunk);
    this.speech = []; // Int16Array chunks at sampleRate, played before anything else
    this.speechOffset = 0;
    this.speechLast = 0; // the last input sample, so interpolation runs on across chunks
  }

  /**
   * Queues speech audio (PCM16 little-endian mono at `inputRate`, a Buffer) to play on the audio track.
   * Resampled to the track's rate by linear interpolation between neighbouring input samples (good enough
   * for a fake; from 24 kHz to 48 kHz that is each input sample preceded by the mean of it and the one before).
   */
  queueSpeech(pcm, inputRate = 24000) {
    const count = Math.floor(pcm.length / 2);
    if (count === 0) return;
    const input = new Int16Array(count);
    for (let i = 0; i < count; i++) input[i] = pcm.readInt16LE(i * 2);
    const ratio = this.sampleRate / inputRate;
    const out = new Int16Array(Math.round(count * ratio));
    // Output sample j sits at input position j / ratio, counted from the previous chunk's last sample
    // (position -1), so a chunk boundary is interpolated like any other pair of samples.
    for (let j = 0; j < out.length; j++) {
      const position = (j + 1) / ratio - 1;
      const left = Math.floor(position);
      const fraction = position - left;
      const a = left < 0 ? this.speechLast : input[Math.min(left, count - 1)];
      const b = input[Math.min(left + 1, count - 1)];
      out[j] = Math.round(a + (b - a) * fraction);
    }
    this.speechLast = input[count - 1];
    this.speech.push(out);
  }

  /** Drops the speech audio not yet played (an interrupt). */
  clearSpeech() {
    this.speech = [];
    this.speechOffset = 0;
    this.speechLast = 0;
  }

  /** Whether speech audio is waiting to play. */
  get speaking() {
    return this.speech.length > 0;
  }

  /** Whether the avatar is talking now. */
  get talking() {
    return this.words !== null;
  }

  /** Marks the avatar as talking `words` (a string, possibly empty), or as silent (null). */
  setTalking(words) {
    this.words = words === null || words === undefined ? null : String(words);
  }

  start() {
    if (this.timer) return;
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), chunkMs);
    this.tick();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.videoTrack.stop();
    this.audioTrack.stop();
  }

  tick() {
    const elapsed = performance.now() - this.startedAt;
    let dueChunks = Math.floor(elapsed / chunkMs) + 1 - this.audioChunks;
    let dueFrames = Math.floor(elapsed * this.fps / 1000) + 1 - this.frames;
    // After a long stall, skip ahead rather than burst.
    if (dueChunks > 20) { this.audioChunks += dueChunks - 20; dueChunks = 20; }
    if (dueFrames > 2) { this.frames += dueFrames - 2; dueFrames = 2; }
    for (let i = 0; i < dueChunks; i++) this.pushAudio();
    for (let i = 0; i < dueFrames; i++) this.pushVideo();
  }

  pushAudio() {
    const { samples } = this;
    if (this.speaking) {
      let filled = 0;
      while (filled < samples.length && this.speech.length > 0) {
        const head = this.speech[0];
        const take = Math.min(samples.length - filled, head.length - this.speechOffset);
        samples.set(head.subarray(this.speechOffset, this.speechOffset + take), filled);
        filled += take;
        this.speechOffset += take;
        if (this.speechOffset >= head.length) {
          this.speech.shift();
          this.speechOffset = 0;
        }
      }
      samples.fill(0, filled);
      if (this.speech.length === 0) this.speechLast = 0;
    } else if (this.talking) {
      const step = 2 * Math.PI * this.toneHz / this.sampleRate;
      for (let i = 0; i < samples.length; i++) {
        samples[i] = Math.round(Math.sin(this.phase) * 8000);
        this.phase += step;
      }
      this.phase %= 2 * Math.PI;
    } else {
      samples.fill(0);
    }
    this.audioSource.onData({
      samples,
      sampleRate: this.sampleRate,
      bitsPerSample: 16,
      channelCount: 1,
      numberOfFrames: samples.length,
    });
    this.audioChunks++;
  }

  pushVideo() {
    const { width, height, frame } = this;
    const colour = this.talking ? talking : idle;
    const lumaSize = width * height;
    const chromaSize = lumaSize / 4;
    frame.fill(colour.y, 0, lumaSize);
    frame.fill(colour.u, lumaSize, lumaSize + chromaSize);
    frame.fill(colour.v, lumaSize + chromaSize, lumaSize + 2 * chromaSize);
    const luma = frame.subarray(0, lumaSize);
    const scale = 2;
    const perLine = Math.floor((width - 16) / (cellWidth * scale));
    drawText(luma, width, height, 8, 8, 'KONPRO AVATAR', scale, textLuma);
    drawText(luma, width, height, 8, 8 + cellHeight * scale, `FRAME ${this.frames}`, scale, textLuma);
    drawText(luma, width, height, 8, 8 + 2 * cellHeight * scale, this.talking ? 'TALKING' : 'IDLE', scale, textLuma);
    if (this.talking && this.words) {
      const lines = wrap(this.words, perLine, Math.floor((height - 8 - 4 * cellHeight * scale) / (cellHeight * scale)));
      lines.forEach((line, i) => drawText(luma, width, height, 8, 8 + (4 + i) * cellHeight * scale, line, scale, textLuma));
    }
    this.videoSource.onFrame({ width, height, data: frame });
    this.frames++;
  }
}
