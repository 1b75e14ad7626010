// The avatar's synthetic media: an I420 video track that shows a frame counter, whether the avatar is
// talking and the words it is speaking, and a 48 kHz mono audio track that carries a tone while the
// avatar talks and silence otherwise. One clock drives both, catching up after a late timer.
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
    if (this.talking) {
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
