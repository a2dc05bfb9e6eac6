import "server-only";
import ipaddr from "ipaddr.js";
import { prisma } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError, type Surface } from "@/lib/errors";
import { clientIp } from "./peer";

/**
 * The bucket a client address counts in: an IPv4 address itself (an IPv4-mapped IPv6 one as IPv4), an IPv6 address its
 * /64. A home or a host is given a whole /64, so counting each address apart would give one client 2^64 budgets.
 */
export function addressBucket(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`).toString()}/64`;
}

/** The request's client, as its rate-limit bucket. */
const clientBucket = (request: Request) => addressBucket(clientIp(request));

/** A 429 that tells the client when to come back. */
export class RateLimitError extends AppError {
  constructor(surface: Surface, retryAfterSeconds: number) {
    super(`rate_limit:${surface}`, `Too many requests. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
}

export type Limit = { key: string; max: number };

/** Old windows are dropped now and then, so the table holds about one row per active key. */
const CLEANUP_PROBABILITY = 0.001;

/**
 * Counts one hit against every limit (a limit with max 0 is off) and throws a
 * RateLimitError if any is over. Windows are fixed and aligned to the epoch,
 * so every app instance agrees on them; one upsert per hit resets a stale
 * window or increments the current one atomically.
 */
export async function hitRateLimits(surface: Surface, limits: Limit[]): Promise<void> {
  const active = limits.filter((l) => l.max > 0);
  if (active.length === 0) return;
  const windowSeconds = env.RATE_LIMIT_WINDOW_SECONDS;
  const keys = active.map((l) => l.key);
  const rows = await prisma.$queryRaw<{ key: string; count: number; retry_after: number }[]>`
    INSERT INTO rate_limits AS r (key, window_start, count)
    SELECT k, to_timestamp(floor(extract(epoch FROM now()) / ${windowSeconds}) * ${windowSeconds}), 1 FROM unnest(${keys}::text[]) AS k
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.window_start = excluded.window_start THEN r.count + 1 ELSE 1 END,
      window_start = excluded.window_start
    RETURNING r.key, r.count, ceil(extract(epoch FROM r.window_start + make_interval(secs => ${windowSeconds}) - now()))::int AS retry_after`;
  if (Math.random() < CLEANUP_PROBABILITY) {
    await prisma.$executeRaw`DELETE FROM rate_limits WHERE window_start < now() - make_interval(secs => ${windowSeconds * 2})`;
  }
  const over = rows.filter((row) => row.count > active.find((l) => l.key === row.key)!.max);
  if (over.length > 0) throw new RateLimitError(surface, Math.max(1, ...over.map((row) => row.retry_after)));
}

/**
 * Counts one password attempt, from any sign-in path (`authorize` in lib/auth/index.ts).
 * The per-account budget is per account *and* client IP: a stranger guessing
 * from other addresses spends their own budget and cannot lock the owner out;
 * spreading guesses over many addresses is bounded by the per-IP limit and by
 * the password policy (lib/auth/password.ts), see docs/security-and-reliability.md.
 */
export function limitLogin(request: Request, email: string): Promise<void> {
  const ip = clientBucket(request);
  return hitRateLimits("auth", [
    { key: `login:ip:${ip}`, max: env.RATE_LIMIT_LOGIN_PER_IP },
    { key: `login:account:${email}:ip:${ip}`, max: env.RATE_LIMIT_LOGIN_PER_ACCOUNT },
  ]);
}

/** Seconds until the current window ends (windows are aligned to the epoch), for a 429 raised outside hitRateLimits. */
export function secondsLeftInWindow(): number {
  const window = env.RATE_LIMIT_WINDOW_SECONDS;
  return Math.max(1, Math.ceil(window - ((Date.now() / 1000) % window)));
}

export function limitRegistration(request: Request): Promise<void> {
  return hitRateLimits("auth", [{ key: `register:ip:${clientBucket(request)}`, max: env.RATE_LIMIT_REGISTER_PER_IP }]);
}

/** New chat sessions per user: the per-session turn cap bounds nothing if sessions are free. */
export function limitSessionCreation(userId: string): Promise<void> {
  return hitRateLimits("session", [{ key: `sessions:user:${userId}`, max: env.RATE_LIMIT_SESSIONS_PER_USER }]);
}

export function limitChat(request: Request, userId: string): Promise<void> {
  return hitRateLimits("chat", [
    { key: `chat:user:${userId}`, max: env.RATE_LIMIT_CHAT_PER_USER },
    { key: `chat:ip:${clientBucket(request)}`, max: env.RATE_LIMIT_CHAT_PER_IP },
  ]);
}
