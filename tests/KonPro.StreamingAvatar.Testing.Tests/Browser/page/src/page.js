// The browser test's page: the official web SDK (@heygen/streaming-avatar 2.1.0, unmodified) as a web app uses it,
// against the KonPro fake on another origin. The driver (drive.mjs) calls start(), takes a screenshot of the playing
// video, then calls converse(); every SDK event the page sees is in window.sdkEvents.
import StreamingAvatar, { AvatarQuality, StreamingEvents, TaskMode, TaskType, VoiceChatTransport } from '@heygen/streaming-avatar';

const events = [];
window.sdkEvents = events;
let avatar = null;

function record(name, detail) {
  const at = Math.round(performance.now());
  if (name === StreamingEvents.STREAM_READY) events.push({ type: name, at });
  else if (name === StreamingEvents.STREAM_DISCONNECTED) events.push({ type: name, at, reason: detail ?? null });
  else events.push({ type: name, at, detail: detail && typeof detail === 'object' ? { ...detail } : detail ?? null });
}

function until(condition, what, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const poll = () => {
      const value = condition();
      if (value) resolve(value);
      else if (performance.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.map((e) => e.type))}`));
      else setTimeout(poll, 25);
    };
    poll();
  });
}

const count = (type, taskId) => events.filter((e) => e.type === type && (taskId === undefined || e.detail?.task_id === taskId)).length;

/** How varied the video's pixels are: the luma's standard deviation and the number of distinct luma values. */
function pixels(video) {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d');
  context.drawImage(video, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  let squares = 0;
  const distinct = new Set();
  const n = data.length / 4;
  for (let i = 0; i < data.length; i += 4) {
    const luma = Math.round(0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]);
    sum += luma;
    squares += luma * luma;
    distinct.add(luma);
  }
  const mean = sum / n;
  return { mean, stddev: Math.sqrt(Math.max(0, squares / n - mean * mean)), distinct: distinct.size };
}

/** create_token is the app's server's job: the driver passes the token. */
window.start = async ({ basePath, token }) => {
  avatar = new StreamingAvatar({ token, basePath });
  for (const name of Object.values(StreamingEvents)) avatar.on(name, (e) => record(name, e.detail));
  const ready = new Promise((resolve) => avatar.on(StreamingEvents.STREAM_READY, (e) => resolve(e.detail)));
  const session = await avatar.createStartAvatar({
    avatarName: 'default', quality: AvatarQuality.Low, voiceChatTransport: VoiceChatTransport.LIVEKIT, activityIdleTimeout: 300,
  });
  const stream = await ready;
  const video = document.getElementById('avatar');
  video.srcObject = stream;
  await video.play();
  await until(() => video.videoWidth > 0 && video.currentTime > 0.5, 'the video to play');
  return { sessionId: session.session_id, width: video.videoWidth, height: video.videoHeight, currentTime: video.currentTime, paused: video.paused, pixels: pixels(video) };
};

window.converse = async ({ repeatText, talkText }) => {
  // A REPEAT task goes over REST (sync: answered when the avatar has finished); its events come over the data channel.
  const task = await avatar.speak({ text: repeatText, taskType: TaskType.REPEAT, taskMode: TaskMode.SYNC });
  await until(() => count(StreamingEvents.AVATAR_STOP_TALKING, task.task_id) > 0, 'the repeat task\'s avatar_stop_talking');

  // Voice chat over the LiveKit transport: Chromium's fake microphone is published in the room; the fake hears it.
  await avatar.startVoiceChat();
  await until(() => count(StreamingEvents.USER_START) > 0, 'user_start after startVoiceChat');
  await avatar.closeVoiceChat();

  // A typed TALK message: with the LiveKit transport the SDK publishes it on the data channel, not over REST.
  await avatar.speak({ text: talkText, taskType: TaskType.TALK });
  const typed = await until(() => events.find((e) => e.type === StreamingEvents.USER_TALKING_MESSAGE && e.detail?.message === talkText), 'the typed message echoed as a user turn');
  const answer = await until(() => events.find((e) => e.type === StreamingEvents.AVATAR_START_TALKING && e.at >= typed.at && e.detail?.task_id !== task.task_id), 'the avatar answering the typed message');
  await until(() => count(StreamingEvents.AVATAR_STOP_TALKING, answer.detail.task_id) > 0, 'the answer\'s avatar_stop_talking');

  await avatar.stopAvatar();
  await until(() => count(StreamingEvents.STREAM_DISCONNECTED) > 0, 'stream_disconnected after stopAvatar');
  // Late duplicates would arrive within moments: give them the time to, before the driver counts.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { repeatTaskId: task.task_id, answerTaskId: answer.detail.task_id };
};
