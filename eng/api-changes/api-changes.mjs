#!/usr/bin/env node
// What changed between two versions of the KonPro API contracts, for whom. See README "The API changed: what to do"
// and docs/adr/0013-api-change-report.md.
//
//   node eng/api-changes/api-changes.mjs --base <git ref | spec file | folder> [options]
//
// Compares openapi/konpro-streaming.yaml (REST) and the AsyncAPI documents (chat socket, realtime audio socket) at the
// base with the current ones, and writes api-changes.md (for people) and api-changes.json (for CI) with
//   - the wire changes, each classified breaking for clients / breaking for servers / compatible (api-smart-diff);
//   - the .NET public surface of the generated client and the SDK: what it lost or gained, and the version due;
//   - the fake's coverage: operations of the current REST spec the fake does not serve, and documented response
//     fields it does not return.
//
// Exit codes: 0 nothing that fails the run (see --fail-on), 1 a change breaking for clients (wire or .NET surface),
// 2 the command could not run.
//
// Options:
//   --base <ref|path>     a git ref (tag, branch, commit) of this repository, a folder holding the documents under
//                         their names in openapi/, or one document (REST or AsyncAPI, recognised by its content)
//   --head <path>         the current documents: a folder or one document (default: the working tree's openapi/)
//   --repo <dir>          the repository (default: this script's repository)
//   --out <dir>           where the reports go (default: <repo>/artifacts/api-changes)
//   --surface <mode>      the .NET surfaces: build (default: build the working tree's client and SDK and compare them
//                         with the approved snapshots at the base ref), snapshots (compare the approved snapshots of
//                         the working tree with those at the base ref, no build), none
//   --fake <dll|none>     the fake server tool to probe (default: build tools/KonPro.FakeServer and probe it)
//   --fail-on <level>     breaking (default): exit 1 only for changes breaking clients; any: exit 1 for any wire or
//                         .NET API change; none: report only (exit 0 unless the command could not run)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { apiDiff } from 'api-smart-diff';

const here = path.dirname(fileURLToPath(import.meta.url));

// The documents compared, under their names in openapi/.
const DOCUMENTS = [
  { file: 'konpro-streaming.yaml', kind: 'openapi', title: 'REST (OpenAPI)' },
  { file: 'konpro-chat.asyncapi.yaml', kind: 'asyncapi', title: 'Chat socket and room data channel (AsyncAPI)' },
  { file: 'konpro-realtime.asyncapi.yaml', kind: 'asyncapi', title: 'Realtime audio socket (AsyncAPI)' },
];

// The packages whose public surface is compared, and their approved snapshots (the PublicApi tests keep each snapshot
// equal to the build's surface at every commit, so the snapshot at a ref is that ref's surface). `formerly`: where the
// snapshot was at older refs (the SDK's moved from Api/ to PublicApi/), tried at the base ref when the path is missing.
const SURFACES = [
  { package: 'KonPro.StreamingAvatar.Api', snapshot: 'tests/KonPro.StreamingAvatar.Api.Tests/PublicApi/KonPro.StreamingAvatar.Api.approved.txt', formerly: [] },
  {
    package: 'KonPro.StreamingAvatar',
    snapshot: 'tests/KonPro.StreamingAvatar.Tests/PublicApi/KonPro.StreamingAvatar.approved.txt',
    formerly: ['tests/KonPro.StreamingAvatar.Tests/Api/KonPro.StreamingAvatar.approved.txt'],
  },
];

class UsageError extends Error {}

function parseArgs(argv) {
  const options = { surface: 'build', failOn: 'breaking', fake: undefined };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
      return argv[++i];
    };
    switch (name) {
      case '--base': options.base = value(); break;
      case '--head': options.head = value(); break;
      case '--repo': options.repo = value(); break;
      case '--out': options.out = value(); break;
      case '--surface': options.surface = value(); break;
      case '--fake': options.fake = value(); break;
      case '--fail-on': options.failOn = value(); break;
      case '-h': case '--help': options.help = true; break;
      default: throw new UsageError(`unknown argument: ${name}`);
    }
  }
  if (options.help) return options;
  if (!options.base) throw new UsageError('--base <git ref | spec file | folder> is required');
  if (!['build', 'snapshots', 'none'].includes(options.surface)) throw new UsageError(`--surface must be build, snapshots or none, not ${options.surface}`);
  if (!['breaking', 'any', 'none'].includes(options.failOn)) throw new UsageError(`--fail-on must be breaking, any or none, not ${options.failOn}`);
  options.repo = path.resolve(options.repo ?? path.join(here, '..', '..'));
  options.out = path.resolve(options.out ?? path.join(options.repo, 'artifacts', 'api-changes'));
  return options;
}

function git(repo, args) {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

function kindOf(document) {
  if (document && typeof document === 'object' && 'openapi' in document) return 'openapi';
  if (document && typeof document === 'object' && 'asyncapi' in document) return 'asyncapi';
  return undefined;
}

// Reads a side of the comparison: a map from document file name to its parsed content (absent documents are missing).
function readSide(source, repo, { allowRef }) {
  const texts = {};
  const resolved = path.resolve(source);
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) {
    for (const { file } of DOCUMENTS) {
      const candidate = path.join(resolved, file);
      if (fs.existsSync(candidate)) texts[file] = fs.readFileSync(candidate, 'utf8');
    }
    return { label: source, kind: 'folder', documents: parseAll(texts, source) };
  }
  if (fs.existsSync(resolved)) {
    const document = parse(fs.readFileSync(resolved, 'utf8'), source);
    const kind = kindOf(document);
    if (!kind) throw new UsageError(`${source} is neither an OpenAPI nor an AsyncAPI document`);
    // One AsyncAPI document: the one whose title it carries (chat or realtime), else the chat document.
    const match = kind === 'openapi'
      ? DOCUMENTS[0]
      : DOCUMENTS.find((d) => d.kind === 'asyncapi' && titleMatches(d.file, document)) ?? DOCUMENTS[1];
    return { label: source, kind: 'file', only: match.file, documents: { [match.file]: document } };
  }
  if (!allowRef) throw new UsageError(`${source} does not exist`);
  let commit;
  try {
    commit = git(repo, ['rev-parse', '--verify', '--quiet', `${source}^{commit}`]).trim();
  } catch {
    throw new UsageError(`${source} is neither a file, a folder nor a git ref of ${repo}`);
  }
  for (const { file } of DOCUMENTS) {
    try {
      texts[file] = git(repo, ['show', `${commit}:openapi/${file}`]);
    } catch {
      // the document did not exist at that ref: every operation of it is new
    }
  }
  return { label: source, kind: 'ref', commit, documents: parseAll(texts, source) };
}

function titleMatches(file, document) {
  const title = String(document?.info?.title ?? '').toLowerCase();
  return file.includes('realtime') ? title.includes('realtime') : title.includes('chat');
}

function parse(text, label) {
  try {
    return yaml.load(text);
  } catch (error) {
    throw new UsageError(`${label}: not valid YAML/JSON: ${error.message}`);
  }
}

function parseAll(texts, label) {
  return Object.fromEntries(Object.entries(texts).map(([file, text]) => [file, parse(text, `${label}:${file}`)]));
}

// ---------------------------------------------------------------------------------------------------------------------
// Wire changes

const pointer = (segments) => '/' + segments.map((s) => String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

// The AsyncAPI 3 documents become an OpenAPI document with the same contract, so that api-smart-diff's OpenAPI rules
// classify them by direction: a message the server sends is a response (a client reads it), a message the server
// receives is a request body (a client writes it), the channel's connect query is a request's query parameters, and
// the close statuses the server may send are a response enum. Each synthetic path maps back to the AsyncAPI document.
function asyncApiAsOpenApi(document) {
  const paths = {};
  const origins = {};
  const resolve = (node) => {
    let current = node;
    let lastRef;
    for (let hops = 0; current && typeof current === 'object' && typeof current.$ref === 'string' && hops < 10; hops++) {
      lastRef = current.$ref;
      current = current.$ref.replace(/^#\//, '').split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce((value, key) => value?.[key], document);
    }
    return { value: current, ref: lastRef };
  };
  for (const [channelKey, channel] of Object.entries(document.channels ?? {})) {
    const query = channel?.bindings?.ws?.query;
    const closes = channel?.['x-close-statuses'];
    if (query || closes) {
      const route = `/${channelKey}`;
      const operation = { operationId: `connect ${channelKey}`, responses: { '101': { description: 'The socket is open; it closes with one of these statuses.' } } };
      if (query?.properties) {
        operation.parameters = Object.entries(query.properties).map(([name, schema]) => ({
          name, in: 'query', required: (query.required ?? []).includes(name), schema,
        }));
      }
      if (Array.isArray(closes)) {
        operation.responses['101'].content = {
          'application/json': { schema: { type: 'object', properties: { close_status: { type: 'integer', enum: closes.map((c) => c.code) } } } },
        };
      }
      paths[route] = { get: operation };
      origins[route] = { get: ['channels', channelKey] };
    }
  }
  for (const [operationKey, operation] of Object.entries(document.operations ?? {})) {
    const channelKey = (operation.channel?.$ref ?? '').split('/').pop();
    for (const messageRef of operation.messages ?? []) {
      const key = String(messageRef.$ref ?? '').split('/').pop();
      const { value: message, ref } = resolve(messageRef);
      if (!message) continue;
      const route = `/${channelKey}/${key}`;
      const payload = message.payload?.schema && message.payload?.schemaFormat ? message.payload.schema : message.payload ?? {};
      const entry = operation.action === 'send'
        ? { get: { operationId: `${operationKey} ${key}`, responses: { '200': { description: message.summary ?? key, content: { 'application/json': { schema: payload } } } } } }
        : { post: { operationId: `${operationKey} ${key}`, requestBody: { required: true, content: { 'application/json': { schema: payload } } }, responses: { '200': { description: 'received' } } } };
      paths[route] = { ...paths[route], ...entry };
      const messagePath = (ref ?? `#/channels/${channelKey}/messages/${key}`).replace(/^#\//, '').split('/');
      origins[route] = { ...origins[route], [operation.action === 'send' ? 'get' : 'post']: [...messagePath, 'payload'] };
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: document.info?.title ?? '', version: document.info?.version ?? '' },
    paths,
    components: { schemas: document.components?.schemas ?? {} },
    'x-origins': origins,
  };
}

// Maps a path of the synthetic OpenAPI document back to the AsyncAPI document (for messages: the message's payload).
function asyncApiOrigin(segments, before, after) {
  const [, route, method, ...rest] = segments;
  const origin = after['x-origins']?.[route]?.[method] ?? before['x-origins']?.[route]?.[method];
  if (!origin) return segments;
  if (rest[0] === 'responses' && rest[1] === '101') return [...origin, 'x-close-statuses'];
  if (rest[0] === 'responses' && rest[2] === 'content') rest.splice(0, 5); // responses/200/content/application/json/schema
  else if (rest[0] === 'requestBody') rest.splice(0, 4); // requestBody/content/application/json/schema
  else if (rest[0] === 'parameters') return [...origin, 'bindings', 'ws', 'query'];
  return [...origin, ...rest];
}

function readable(segments, kind) {
  if (segments[0] === 'paths' && segments.length >= 3) {
    const [, route, method, ...rest] = segments;
    const where = kind === 'asyncapi'
      ? (method === 'get' && !route.slice(1).includes('/') ? `connect ${route.slice(1)}` : `${method === 'get' ? 'server sends' : 'server receives'} ${route.slice(1)}`)
      : `${String(method).toUpperCase()} ${route}`;
    const detail = rest.join('.')
      .replace(/^requestBody\.content\.application\/json\.schema\.?/, kind === 'asyncapi' ? 'message ' : 'request body ')
      .replace(/^responses\.(\w+)\.content\.application\/json\.schema\.?/, (_, status) => (kind === 'asyncapi' && status !== '101' ? 'message ' : `response ${status} `))
      .trim();
    return detail ? `${where}: ${detail}` : where;
  }
  return segments.join('.');
}

const SKIPPED_ROOTS = new Set(['components', 'info', 'tags', 'externalDocs', 'x-origins']);

// A $ref with sibling keywords (a property's own description beside the schema it refers to) is read as the bare
// $ref: api-smart-diff reads such a node as allOf: [ref], so that describing a property, a documentation change, would
// read as the property's schema removed and another added. The cost: a description or example written beside a $ref
// is not compared (documentation only; the referenced schema's own keywords are).
function bareRefs(document) {
  const walk = (node, depth) => {
    if (node === null || typeof node !== 'object' || depth > 64) return node;
    if (Array.isArray(node)) return node.map((n) => walk(n, depth + 1));
    if (typeof node.$ref === 'string' && Object.keys(node).length > 1) return { $ref: node.$ref };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, depth + 1)]));
  };
  return walk(document, 0);
}

function compareDocument(file, kind, before, after) {
  const [b, a] = (kind === 'asyncapi' ? [asyncApiAsOpenApi(before ?? {}), asyncApiAsOpenApi(after ?? {})] : [before ?? { openapi: '3.0.3', paths: {} }, after ?? { openapi: '3.0.3', paths: {} }])
    .map(bareRefs);
  const forward = apiDiff(b, a).filter((d) => !SKIPPED_ROOTS.has(String(d.path[0])));
  // Breaking for servers: a server built for the base fails a client built for the current document exactly when the
  // reverse change (current -> base) breaks clients. api-smart-diff's client rules, applied backwards, say so.
  const reverse = new Map(apiDiff(a, b).filter((d) => !SKIPPED_ROOTS.has(String(d.path[0]))).map((d) => [matchKey(d), d]));
  return forward.map((d) => {
    const back = reverse.get(matchKey(d));
    const documentPath = kind === 'asyncapi' ? asyncApiOrigin(d.path, b, a) : d.path;
    const forClients = classify(d.type, d);
    // Documentation breaks no one, either way. Any other change with no reverse to match (api-smart-diff reports a
    // component used in many places once per place, not always alike both ways) counts as breaking for servers, as an
    // unclassified change does.
    const documentation = d.type === 'annotation' || d.type === 'deprecated';
    const forServers = documentation ? 'compatible' : back ? classify(back.type, back) : 'breaking';
    return {
      document: `openapi/${file}`,
      path: pointer(documentPath),
      where: readable(d.path, kind),
      action: d.action,
      description: describe(d, kind),
      before: d.before,
      after: d.after,
      clients: forClients,
      servers: forServers,
      category: forClients === 'breaking' ? 'breaking-for-clients' : forServers === 'breaking' ? 'breaking-for-servers' : 'compatible',
    };
  });
}

// A change and its reverse name the same node, except in value lists (enum, required), whose indexes shift: there the
// value itself is the key.
function matchKey(diff) {
  const parent = diff.path.slice(0, -1);
  if (['enum', 'required'].includes(String(parent.at(-1)))) {
    const values = diff.action === 'replace' ? [diff.before, diff.after].map((v) => JSON.stringify(v)).sort() : [JSON.stringify(diff.after ?? diff.before)];
    return `${pointer(parent)}=${values.join('|')}`;
  }
  return pointer(diff.path);
}

// api-smart-diff's types: breaking, non-breaking, annotation (documentation), deprecated, unclassified. A change the
// library cannot classify counts as breaking: a report that under-states a change is worse than one that asks a look.
// One rule is ours: a schema's type replaced by another (integer -> string) breaks both sides wherever it is, which
// api-smart-diff 1.0.6 calls non-breaking in a response.
function classify(type, diff) {
  if (diff.action === 'replace' && diff.path.at(-1) === 'type' && typeof diff.before === 'string' && typeof diff.after === 'string') return 'breaking';
  return type === 'non-breaking' || type === 'annotation' || type === 'deprecated' ? 'compatible' : 'breaking';
}

function describe(diff, kind) {
  let text = (diff.description ?? '').replace(/^\[(Added|Removed|Replaced|Renamed)\]\s*/, '');
  if (kind === 'asyncapi') text = text
    .replace(/operation (GET|POST) \/([^/\s]+)\/(\S+)/, (_, verb, channel, message) => `message \`${message}\` the server ${verb === 'GET' ? 'sends' : 'receives'} on ${channel}`)
    .replace(/operation GET \/(\S+)/, (_, channel) => `channel ${channel}`)
    .replace(/(Response 200|Request Body) content \(application\/json\)/, 'the message').replace(/Response 101 content \(application\/json\)/, 'the close statuses');
  const value = (v) => (v === undefined ? '' : typeof v === 'object' ? (Array.isArray(v) ? `[${v.join(', ')}]` : 'a schema') : JSON.stringify(v));
  const detail = diff.action === 'replace' ? ` (${value(diff.before)} -> ${value(diff.after)})`
    : diff.action === 'add' && typeof diff.after !== 'object' ? ` (${value(diff.after)})`
      : diff.action === 'remove' && typeof diff.before !== 'object' ? ` (${value(diff.before)})` : '';
  return `${diff.action}${text ? `: ${text}` : ''}${detail}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// .NET public surface (PublicApiGenerator's text: namespaces, types and members, one declaration a line)

function surfaceEntries(text) {
  const entries = new Set();
  const stack = [];
  const lines = text.replaceAll('\r\n', '\n').split('\n');
  let attributes = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    if (line === '{') continue;
    if (line === '}') { stack.pop(); continue; }
    if (line.startsWith('[')) { attributes.push(line); continue; }
    const declaration = [...attributes, line].join(' ');
    attributes = [];
    const opensBlock = lines.slice(i + 1).find((l) => l.trim())?.trim() === '{';
    entries.add([...stack, declaration].join(' :: '));
    if (opensBlock) stack.push(line.startsWith('namespace ') ? line : declaration);
  }
  return entries;
}

// Removed or changed declarations break callers (a changed one shows as removed and added: its old form is gone); so
// does a member added to an interface or an abstract member added to a class, which every implementation (a test
// double of IKonProApiClient) must now provide. Anything else added is an addition.
function compareSurface(beforeText, afterText) {
  const before = surfaceEntries(beforeText);
  const after = surfaceEntries(afterText);
  const removed = [...before].filter((e) => !after.has(e));
  const added = [...after].filter((e) => !before.has(e));
  const breaksImplementations = (entry) => {
    const parts = entry.split(' :: ');
    const container = parts.at(-2) ?? '';
    const member = parts.at(-1);
    return parts.length > 2 && (/\binterface\b/.test(container) || / abstract /.test(` ${member} `)) && !/^(\[.*\] )*public (static |sealed |abstract )*(class|interface|enum|struct|record|delegate) /.test(member);
  };
  const addedToImplement = added.filter(breaksImplementations);
  return {
    removed,
    addedToImplement,
    added: added.filter((e) => !addedToImplement.includes(e)),
    level: removed.length || addedToImplement.length ? 'major' : added.length ? 'minor' : 'patch',
  };
}

function buildProject(repo, project) {
  execFileSync('dotnet', ['build', path.join(repo, project), '--nologo', '-v', 'q', '-clp:ErrorsOnly'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
}

function currentSurfaces(options) {
  if (options.surface === 'snapshots') {
    return Object.fromEntries(SURFACES.map((s) => {
      const file = path.join(options.repo, s.snapshot);
      return [s.package, fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined];
    }));
  }
  // Build the working tree's client and SDK with tools/KonPro.ApiSurface, which prints each surface with the same
  // generator options as the PublicApi tests.
  buildProject(options.repo, 'tools/KonPro.ApiSurface/KonPro.ApiSurface.csproj');
  const tool = path.join(options.repo, 'tools/KonPro.ApiSurface/bin/Debug/net10.0/KonPro.ApiSurface.dll');
  return Object.fromEntries(SURFACES.map((s) => [s.package, execFileSync('dotnet', [tool, s.package], { encoding: 'utf8', maxBuffer: 64 << 20 })]));
}

function surfaceChanges(options, base) {
  if (options.surface === 'none') return { compared: false, reason: 'not asked (--surface none)', packages: [] };
  if (base.kind !== 'ref') return { compared: false, reason: 'the base is a file, not a git ref: there is no base build or snapshot to compare with', packages: [] };
  const current = currentSurfaces(options);
  const packages = SURFACES.map((s) => {
    let baseline;
    for (const snapshot of [s.snapshot, ...s.formerly]) {
      try {
        baseline = git(options.repo, ['show', `${base.commit}:${snapshot}`]);
        break;
      } catch {
        // Not at this path at the base ref: try where it was before.
      }
    }
    if (baseline === undefined) return { package: s.package, compared: false, reason: `no approved snapshot ${s.snapshot} at ${base.label}` };
    if (current[s.package] === undefined) return { package: s.package, compared: false, reason: `no current surface (${s.snapshot} missing)` };
    return { package: s.package, compared: true, ...compareSurface(baseline, current[s.package]) };
  });
  return { compared: true, packages };
}

// ---------------------------------------------------------------------------------------------------------------------
// The fake's coverage: every operation of the current REST spec, sent to the fake as the spec's own example

function resolveRefs(node, root, depth = 0) {
  if (depth > 40 || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => resolveRefs(n, root, depth + 1));
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    const target = node.$ref.slice(2).split('/').reduce((v, k) => v?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], root);
    return resolveRefs(target, root, depth + 1);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveRefs(v, root, depth + 1)]));
}

function documentedButAbsent(schema, value, at, missing) {
  if (!schema || typeof schema !== 'object') return;
  for (const part of schema.allOf ?? []) documentedButAbsent(part, value, at, missing);
  if (schema.properties && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      if (name in value) documentedButAbsent(property, value[name], `${at}.${name}`, missing);
      else missing.push(`${at}.${name}`);
    }
  } else if (schema.items && Array.isArray(value) && value.length > 0) {
    documentedButAbsent(schema.items, value[0], `${at}[0]`, missing);
  }
}

async function startFake(dll) {
  const child = spawn('dotnet', [dll, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the fake did not print its ready line in 120 s: ${stderr.slice(-500)}`)), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the fake exited (${code}): ${stderr.slice(-500)}`)); });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function fakeCoverage(options, spec) {
  if (options.fake === 'none') return { probed: false, reason: 'not asked (--fake none)', operations: [] };
  if (!spec) return { probed: false, reason: 'the current documents have no REST spec', operations: [] };
  let dll = options.fake;
  if (!dll) {
    buildProject(options.repo, 'tools/KonPro.FakeServer/KonPro.FakeServer.csproj');
    dll = path.join(options.repo, 'tools/KonPro.FakeServer/bin/Debug/net10.0/KonPro.FakeServer.dll');
  }
  const fake = await startFake(path.resolve(dll));
  try {
    const key = 'konpro-dev-key';
    const learned = {};
    const send = async (method, route, body) => {
      const response = await fetch(fake.url + route, {
        method: method.toUpperCase(),
        headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let json;
      try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
      return { status: response.status, json };
    };
    const learn = (value) => {
      if (!value || typeof value !== 'object') return;
      for (const [k, v] of Object.entries(value)) {
        if (k.endsWith('_id') && typeof v === 'string') learned[k] ??= v;
        else if (typeof v === 'object') learn(v);
      }
    };
    const substitute = (value) => {
      if (Array.isArray(value)) return value.map(substitute);
      if (!value || typeof value !== 'object') return value;
      // Ids the fake handed out replace the example's; a `name` gets a suffix so it does not collide with the fake's
      // own data (knowledge base names are unique).
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k,
        k.endsWith('_id') && learned[k] && typeof v === 'string' ? learned[k]
          : k === 'name' && typeof v === 'string' ? `${v} (api-changes probe)` : substitute(v)]));
    };
    // A session to speak to (new's own example); the spec's own order then starts it before the calls that need it.
    const created = await send('post', '/v1/streaming/new', resolveRefs(spec.paths?.['/v1/streaming/new']?.post?.requestBody?.content?.['application/json']?.example ?? {}, spec));
    learn(created.json);

    const operations = [];
    for (const [route, item] of Object.entries(spec.paths ?? {})) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        if (item?.[method]) operations.push({ route, method, operation: resolveRefs(item[method], spec), shared: resolveRefs(item.parameters ?? [], spec) });
      }
    }
    // Calls that end what others need (stop, delete) go last.
    const last = (o) => (o.method === 'delete' || /\/stop$/.test(o.route) ? 1 : 0);
    operations.sort((x, y) => last(x) - last(y));
    const results = [];
    for (const { route, method, operation, shared } of operations) {
      const parameters = [...shared, ...(operation.parameters ?? [])];
      let concrete = route;
      const query = new URLSearchParams();
      for (const parameter of parameters) {
        const example = parameter.example ?? parameter.schema?.example ?? parameter.schema?.default;
        if (parameter.in === 'path') {
          const segment = route.slice(0, route.indexOf(`{${parameter.name}}`)).split('/').filter(Boolean).pop() ?? '';
          const value = learned[parameter.name] ?? learned[`${segment}_id`] ?? example ?? 'x';
          concrete = concrete.replace(`{${parameter.name}}`, encodeURIComponent(value));
        } else if (parameter.in === 'query' && parameter.required && example !== undefined) {
          query.set(parameter.name, String(example));
        }
      }
      const body = operation.requestBody ? substitute(operation.requestBody.content?.['application/json']?.example ?? {}) : undefined;
      const answer = await send(method, concrete + (query.size ? `?${query}` : ''), body);
      const id = operation.operationId ?? `${method.toUpperCase()} ${route}`;
      const entry = { operation: id, method: method.toUpperCase(), path: route, status: answer.status };
      const message = String(answer.json?.error?.message ?? '');
      if (answer.status === 404 && message.startsWith('no such operation')) {
        results.push({ ...entry, served: false, note: 'the fake has no route for it' });
        continue;
      }
      if (answer.status >= 300) {
        results.push({ ...entry, served: true, fieldsChecked: false, note: `answered ${answer.status} ${answer.json?.error?.code ?? ''} to the spec's example (fields not checked)`.trim() });
        continue;
      }
      learn(answer.json);
      const success = Object.entries(operation.responses ?? {}).find(([status]) => status === String(answer.status) || status === '2XX' || status === 'default');
      const schema = success?.[1]?.content?.['application/json']?.schema;
      const missing = [];
      documentedButAbsent(schema, answer.json, '$', missing);
      results.push({ ...entry, served: true, fieldsChecked: Boolean(schema), missing });
    }
    return { probed: true, operations: results };
  } finally {
    fake.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Report

function currentVersion(repo) {
  const props = path.join(repo, 'Directory.Build.props');
  const match = fs.existsSync(props) ? /<Version>([^<]+)<\/Version>/.exec(fs.readFileSync(props, 'utf8')) : null;
  return match?.[1];
}

// SemVer: a breaking change of the .NET surface needs a major version, an addition a minor one, anything else a patch.
// Before 1.0.0 (SemVer 4: anything may change) a breaking change takes the minor version and an addition the patch.
function nextVersion(version, level) {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  if (!match) return undefined;
  let [major, minor, patch] = match.slice(1).map(Number);
  const effective = major === 0 ? { major: 'minor', minor: 'patch', patch: 'patch' }[level] : level;
  if (effective === 'major') { major++; minor = 0; patch = 0; } else if (effective === 'minor') { minor++; patch = 0; } else patch++;
  return `${major}.${minor}.${patch}`;
}

function decide(wire, surface) {
  const surfaceLevels = surface.packages.filter((p) => p.compared).map((p) => p.level);
  const wireBreaksClients = wire.some((c) => c.category === 'breaking-for-clients');
  // A wire change that breaks clients forces a release of the SDK at least as large as an addition; the surface says
  // when it is more.
  const levels = [...surfaceLevels, ...(wireBreaksClients ? ['minor'] : wire.length ? ['patch'] : [])];
  const level = levels.includes('major') ? 'major' : levels.includes('minor') ? 'minor' : 'patch';
  return { level, breaksClients: wireBreaksClients || surfaceLevels.includes('major') };
}

function markdown(report) {
  const out = [];
  const { summary } = report;
  out.push('# API changes', '');
  out.push(`Base: \`${report.base}\` · current: \`${report.head}\``, '');
  out.push(`**${summary.breakingForClients} breaking for clients, ${summary.breakingForServers} breaking for servers, ${summary.compatible} compatible** wire changes; .NET surface: ${report.dotnet.compared ? summary.dotnetLevel : 'not compared'}; version due: **${summary.versionLevel}**${summary.nextVersion ? ` (${summary.currentVersion} -> ${summary.nextVersion}${/^0\./.test(summary.currentVersion) ? ': before 1.0.0 a breaking change takes the minor number, anything else the patch' : ''})` : ''}.`, '');
  out.push('## Wire changes', '');
  for (const document of report.documents) {
    out.push(`### ${document.title} (\`${document.document}\`)`, '');
    if (!document.compared) { out.push(`Not compared: ${document.reason}.`, ''); continue; }
    if (!document.changes.length) { out.push('No change.', ''); continue; }
    for (const [category, title] of [['breaking-for-clients', 'Breaking for clients'], ['breaking-for-servers', 'Breaking for servers'], ['compatible', 'Compatible']]) {
      const changes = document.changes.filter((c) => c.category === category);
      if (!changes.length) continue;
      out.push(`**${title}**`, '');
      for (const c of changes) {
        const both = category === 'breaking-for-clients' && c.servers === 'breaking' ? ' (also breaking for servers)' : '';
        out.push(`- \`${c.where}\`: ${c.description}${both}  `, `  \`#${c.path}\``);
      }
      out.push('');
    }
  }
  out.push('## .NET public API', '');
  if (!report.dotnet.compared) out.push(`Not compared: ${report.dotnet.reason}.`);
  for (const p of report.dotnet.packages) {
    if (!p.compared) { out.push(`- ${p.package}: not compared (${p.reason})`); continue; }
    out.push(`- ${p.package}: **${p.level}** (${p.removed.length} removed or changed, ${p.addedToImplement.length} added to implement, ${p.added.length} added)`);
    for (const e of p.removed) out.push(`  - removed: \`${e}\``);
    for (const e of p.addedToImplement) out.push(`  - added, and every implementation must provide it: \`${e}\``);
    for (const e of p.added) out.push(`  - added: \`${e}\``);
  }
  out.push('', '## The fake\'s coverage (current REST spec)', '');
  if (!report.fake.probed) out.push(`Not probed: ${report.fake.reason}.`);
  else {
    const gaps = report.fake.operations.filter((o) => !o.served || o.missing?.length || o.fieldsChecked === false);
    const full = report.fake.operations.length - gaps.length;
    out.push(`${full} of ${report.fake.operations.length} operations served with every documented response field.`);
    for (const o of gaps) {
      if (!o.served) out.push(`- \`${o.operation}\` (${o.method} ${o.path}): **not served** (${o.note})`);
      else if (o.missing?.length) out.push(`- \`${o.operation}\` (${o.method} ${o.path}): does not return ${o.missing.map((m) => `\`${m}\``).join(', ')}`);
      else out.push(`- \`${o.operation}\` (${o.method} ${o.path}): ${o.note}`);
    }
  }
  out.push('');
  return out.join('\n');
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`api-changes: ${error.message}`);
    return 2;
  }
  if (options.help) {
    console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 31).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    return 0;
  }
  const base = readSide(options.base, options.repo, { allowRef: true });
  const head = readSide(options.head ?? path.join(options.repo, 'openapi'), options.repo, { allowRef: false });

  const documents = DOCUMENTS.map(({ file, kind, title }) => {
    if (base.only && base.only !== file) return { document: `openapi/${file}`, title, compared: false, reason: `the base is one document (${base.only})` };
    if (head.only && head.only !== file) return { document: `openapi/${file}`, title, compared: false, reason: `the current side is one document (${head.only})` };
    const before = base.documents[file];
    const after = head.documents[file];
    if (!before && !after) return { document: `openapi/${file}`, title, compared: false, reason: 'in neither' };
    return { document: `openapi/${file}`, title, compared: true, changes: compareDocument(file, kind, before, after) };
  });
  const wire = documents.flatMap((d) => d.changes ?? []);
  const dotnet = surfaceChanges(options, base);
  const fake = await fakeCoverage(options, head.documents['konpro-streaming.yaml']);
  const decision = decide(wire, dotnet);
  const version = currentVersion(options.repo);
  const dotnetLevels = dotnet.packages.filter((p) => p.compared).map((p) => p.level);
  const report = {
    base: base.kind === 'ref' ? `${base.label} (${base.commit.slice(0, 12)})` : base.label,
    head: options.head ?? 'working tree',
    summary: {
      breakingForClients: wire.filter((c) => c.category === 'breaking-for-clients').length,
      breakingForServers: wire.filter((c) => c.category === 'breaking-for-servers' || (c.category === 'breaking-for-clients' && c.servers === 'breaking')).length,
      compatible: wire.filter((c) => c.category === 'compatible').length,
      dotnetLevel: dotnetLevels.includes('major') ? 'major' : dotnetLevels.includes('minor') ? 'minor' : 'patch',
      versionLevel: decision.level,
      currentVersion: version,
      nextVersion: wire.length || dotnetLevels.some((l) => l !== 'patch') ? nextVersion(version, decision.level) : undefined,
      breaksClients: decision.breaksClients,
    },
    documents,
    dotnet,
    fake,
  };
  fs.mkdirSync(options.out, { recursive: true });
  fs.writeFileSync(path.join(options.out, 'api-changes.json'), JSON.stringify(report, null, 2) + '\n');
  const text = markdown(report);
  fs.writeFileSync(path.join(options.out, 'api-changes.md'), text);
  process.stdout.write(text);
  console.error(`api-changes: reports in ${path.relative(process.cwd(), options.out) || '.'}/api-changes.{md,json}`);

  const anyChange = wire.length > 0 || dotnetLevels.some((l) => l !== 'patch');
  if (options.failOn === 'none') return 0;
  if (options.failOn === 'any') return anyChange ? 1 : 0;
  return decision.breaksClients ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  console.error(`api-changes: could not run: ${error instanceof UsageError ? error.message : error.stack ?? error}`);
  process.exitCode = 2;
});
