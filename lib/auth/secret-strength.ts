/**
 * Whoever knows AUTH_SECRET can mint a session for any user, so a production
 * server refuses to start with one that is short, a documented placeholder or
 * plainly low in entropy. The entropy figure is the string's own character
 * statistics (Shannon, bits per character × length): 32 random bytes in
 * base64 score about 200 bits, "aaaa…" or "change-me…" far less.
 */
export const MIN_SECRET_LENGTH = 32;
export const MIN_SECRET_BITS = 128;
const PLACEHOLDER = /change.?me|replace.?me|placeholder|your.?secret|^secret$|example/i;

export function estimatedBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const c of secret) counts.set(c, (counts.get(c) ?? 0) + 1);
  const n = [...secret].length;
  let perChar = 0;
  for (const k of counts.values()) perChar -= (k / n) * Math.log2(k / n);
  return perChar * n;
}

/** Why this AUTH_SECRET must not run in production, or null when it may. */
export function authSecretProblem(secret: string | undefined): string | null {
  const fix = "generate one with `openssl rand -base64 32` (npm run up writes it to .env)";
  if (!secret) return `AUTH_SECRET is not set: ${fix}.`;
  if (PLACEHOLDER.test(secret)) return `AUTH_SECRET is a placeholder: ${fix}.`;
  if (secret.length < MIN_SECRET_LENGTH) return `AUTH_SECRET is shorter than ${MIN_SECRET_LENGTH} characters: ${fix}.`;
  if (estimatedBits(secret) < MIN_SECRET_BITS)
    return `AUTH_SECRET looks low in entropy (about ${Math.round(estimatedBits(secret))} bits, at least ${MIN_SECRET_BITS} needed): ${fix}.`;
  return null;
}
