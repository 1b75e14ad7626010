// CORS for the room's HTTP answers, as the fake server gives its REST API: a page on another origin runs
// livekit-client, which probes the room (`HEAD <url>`, `GET <url>/rtc/validate`) with fetch before and after
// joining. `origins` is the fake's list: ['*'] allows any origin (echoed, with credentials allowed), [] none.

const allowedMethods = 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS';
const allowedHeaders = ['authorization', 'content-type', 'x-api-key'];
const maxAgeSeconds = '600';

/** Parses the `--cors` option: a comma-separated list, empty for none. */
export function parseOrigins(text) {
  return String(text ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0)
    .map((o) => (o === '*' ? o : o.replace(/\/+$/, '').toLowerCase()));
}

function allowedOrigin(origins, origin) {
  if (!origin) return origins.includes('*') ? '*' : null;
  if (origins.includes('*')) return origin;
  return origins.includes(origin.toLowerCase()) ? origin : null;
}

/**
 * Adds the CORS headers to `res` for `req`; answers a preflight (OPTIONS with Access-Control-Request-Method)
 * itself with 204 and returns true, otherwise returns false and the caller answers.
 */
export function applyCors(origins, req, res) {
  if (origins.length === 0) return false;
  const origin = req.headers.origin;
  const allow = allowedOrigin(origins, origin);
  res.setHeader('vary', 'Origin');
  if (allow) {
    res.setHeader('access-control-allow-origin', allow);
    if (allow !== '*') res.setHeader('access-control-allow-credentials', 'true');
  }
  const preflight = req.method === 'OPTIONS' && origin && req.headers['access-control-request-method'];
  if (!preflight) return false;
  if (allow) {
    const requested = String(req.headers['access-control-request-headers'] ?? '')
      .split(',').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0);
    res.setHeader('access-control-allow-methods', allowedMethods);
    res.setHeader('access-control-allow-headers', [...new Set([...allowedHeaders, ...requested])].join(', '));
    res.setHeader('access-control-max-age', maxAgeSeconds);
    if (String(req.headers['access-control-request-private-network'] ?? '').toLowerCase() === 'true') {
      res.setHeader('access-control-allow-private-network', 'true');
    }
  }
  res.writeHead(204);
  res.end();
  return true;
}
