// Verifies a LiveKit access token: an HS256 JWT signed with the room's API secret, carrying the
// `video` grant (`room`, `roomJoin`) and `sub` (the participant's identity).
import { createHmac, timingSafeEqual } from 'node:crypto';

export class TokenError extends Error {}

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Reads the claims without checking the signature (to find the room whose secret checks it). */
export function peekClaims(token) {
  const parts = String(token ?? '').split('.');
  if (parts.length !== 3) throw new TokenError('the access token is not a JWT');
  try {
    return decodePart(parts[1]);
  } catch {
    throw new TokenError('the access token is not a JWT');
  }
}

/** Checks the signature, expiry and grant; returns the claims. */
export function verifyToken(token, secret, now = Date.now() / 1000) {
  const parts = String(token ?? '').split('.');
  if (parts.length !== 3) throw new TokenError('the access token is not a JWT');
  let header;
  try {
    header = decodePart(parts[0]);
  } catch {
    throw new TokenError('the access token is not a JWT');
  }
  if (header.alg !== 'HS256') throw new TokenError(`unsupported token algorithm ${header.alg}`);
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const actual = Buffer.from(parts[2], 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new TokenError('invalid token signature');
  }
  const claims = decodePart(parts[1]);
  if (typeof claims.exp === 'number' && claims.exp < now) throw new TokenError('token expired');
  if (typeof claims.nbf === 'number' && claims.nbf > now + 60) throw new TokenError('token not yet valid');
  if (!claims.video || claims.video.roomJoin !== true) throw new TokenError('token has no roomJoin grant');
  if (!claims.sub) throw new TokenError('token has no identity (sub)');
  return claims;
}
