import "server-only";
import { prisma } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError, type Surface } from "@/lib/errors";

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
 * The client's address as the nearest proxy reported it: the right-most
 * X-Forwarded-For entry (Next.js fills it from the socket when no proxy set it).
 * Without a proxy that overwrites the header a client can choose its own value,
 * so per-IP limits only bind behind one; per-user and per-account limits do not depend on it.
 */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || "unknown";
}

export function limitLogin(request: Request, email: string): Promise<void> {
  return hitRateLimits("auth", [
    { key: `login:ip:${clientIp(request)}`, max: env.RATE_LIMIT_LOGIN_PER_IP },
    { key: `login:account:${email}`, max: env.RATE_LIMIT_LOGIN_PER_ACCOUNT },
  ]);
}

export function limitRegistration(request: Request): Promise<void> {
  return hitRateLimits("auth", [{ key: `register:ip:${clientIp(request)}`, max: env.RATE_LIMIT_REGISTER_PER_IP }]);
}

export function limitChat(request: Request, userId: string): Promise<void> {
  return hitRateLimits("chat", [
    { key: `chat:user:${userId}`, max: env.RATE_LIMIT_CHAT_PER_USER },
    { key: `chat:ip:${clientIp(request)}`, max: env.RATE_LIMIT_CHAT_PER_IP },
  ]);
}
