// Drives the test page in Debian's Chromium (puppeteer-core with the system browser; no browser is ever downloaded):
// serves the page from its own origin (http://127.0.0.1:<free port>), runs it against the fake's API, and prints what
// happened as JSON lines on stdout; the page's console goes to stderr.
//
//   node drive.mjs --api https://127.0.0.1 --token <session token> --spki <base64 SHA-256 of the fake's SPKI> --out <dir>
//                  [--chromium /usr/bin/chromium]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[i + 1]]] : pairs), []));
const out = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const here = dirname(fileURLToPath(import.meta.url));
const files = { '/': ['index.html', 'text/html'], '/dist/page.js': ['dist/page.js', 'text/javascript'] };

const pages = createServer((req, res) => {
  const file = files[new URL(req.url, 'http://page').pathname];
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' });
  res.end(readFileSync(join(here, file[0])));
});
await new Promise((resolve) => pages.listen(0, '127.0.0.1', resolve));
const pageUrl = `http://127.0.0.1:${pages.address().port}/`;
const profile = mkdtempSync(join(tmpdir(), 'konpro-chromium-'));

const browser = await puppeteer.launch({
  executablePath: args.chromium ?? '/usr/bin/chromium',
  headless: true,
  userDataDir: profile,
  // Web security stays on: the page is on another origin than the API and needs its CORS answers. The fake's certificate
  // is trusted by its public key alone, nothing else is.
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
    `--ignore-certificate-errors-spki-list=${args.spki}`,
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required',
  ],
});
let status = 0;
try {
  const page = await browser.newPage();
  page.on('console', (message) => process.stderr.write(`[page ${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
  await page.setViewport({ width: 320, height: 240 });
  await page.goto(pageUrl, { waitUntil: 'load' });
  out({ type: 'page', url: pageUrl, origin: await page.evaluate(() => location.origin), userAgent: await browser.userAgent() });
  try {
    const started = await page.evaluate((api, token) => window.start({ basePath: api, token }), args.api, args.token);
    out({ type: 'started', ...started });
    const screenshot = join(args.out, 'web-sdk-video.png');
    await page.screenshot({ path: screenshot });
    out({ type: 'screenshot', path: screenshot });
    const conversed = await page.evaluate((repeatText, talkText) => window.converse({ repeatText, talkText }), 'Hello from the browser', 'What can you do');
    out({ type: 'conversed', ...conversed });
  } catch (error) {
    out({ type: 'failed', message: String(error?.message ?? error) });
    status = 1;
  }
  out({ type: 'events', events: await page.evaluate(() => window.sdkEvents) });
} finally {
  await browser.close();
  pages.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
