import type { JWT, JWTDecodeParams, JWTEncodeParams } from "next-auth/jwt";
import { decode, encode } from "next-auth/jwt";
import { LruMap } from "@/router-core/embedder/lru";

/**
 * The session cookie's codec: Auth.js's own encryption, without repeating it for every request.
 *
 * Why: every signed-in request decrypts the cookie (about 0.5 ms of CPU: HKDF, AES-CBC, HMAC) and Auth.js
 * then re-encrypts the same claims with a fresh expiry (0.3 ms), even inside a route handler's `auth()`,
 * which drops the new cookie. A cookie seen before is a cookie whose claims are known: the exact string
 * was authenticated when first decrypted under the same secret. It is re-issued only when its claims
 * change (the jwt callback refreshed the role) or once it is older than REISSUE_AFTER_S, so a session still
 * slides forward for users who stay active.
 */
const REISSUE_AFTER_S = 60 * 60;
/** Auth.js accepts a token up to this many seconds past its expiry (its decode's clock tolerance). */
const CLOCK_TOLERANCE_S = 15;

type Decoded = { token: string; claims: JWT };
const byToken = new LruMap<string, Decoded>(10_000);
const byJti = new LruMap<string, Decoded>(10_000);

const nowS = () => Math.floor(Date.now() / 1000);

function sameClaims(a: JWT, b: JWT): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export async function decodeSessionToken(params: JWTDecodeParams): Promise<JWT | null> {
  if (!params.token) return null;
  const key = `${params.salt}\0${params.token}`;
  const seen = byToken.get(key);
  if (seen && typeof seen.claims.exp === "number" && seen.claims.exp + CLOCK_TOLERANCE_S > nowS()) return { ...seen.claims };
  const claims = await decode(params);
  if (claims) {
    const decoded = { token: params.token, claims: { ...claims } };
    byToken.set(key, decoded);
    if (typeof claims.jti === "string") byJti.set(`${params.salt}\0${claims.jti}`, decoded);
  }
  return claims;
}

export async function encodeSessionToken(params: JWTEncodeParams): Promise<string> {
  const claims = params.token;
  const seen = typeof claims?.jti === "string" ? byJti.get(`${params.salt}\0${claims.jti}`) : undefined;
  if (seen && claims && typeof seen.claims.iat === "number" && nowS() - seen.claims.iat < REISSUE_AFTER_S && sameClaims(claims, seen.claims)) return seen.token;
  return encode(params);
}
