import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { addressBucket, hitRateLimits, RateLimitError } from "@/lib/security/rate-limit";

const key = () => `test:${randomBytes(6).toString("hex")}`;

describe("hitRateLimits", () => {
  it("allows max hits per window, then throws a 429 with Retry-After", async () => {
    const k = key();
    for (let i = 0; i < 3; i++) await hitRateLimits("chat", [{ key: k, max: 3 }]);
    const err = await hitRateLimits("chat", [{ key: k, max: 3 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    const response = (err as RateLimitError).toResponse();
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await response.json()) as { error: string }).error).toMatch(/Too many requests/);
  });

  it("counts concurrent hits atomically: exactly max of them pass", async () => {
    const k = key();
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => hitRateLimits("auth", [{ key: k, max: 10 }])));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const [row] = await prisma.$queryRaw<{ count: number }[]>`SELECT count FROM rate_limits WHERE key = ${k}`;
    expect(row.count).toBe(25);
  });

  it("starts a new window once the stored one is over", async () => {
    const k = key();
    await hitRateLimits("auth", [{ key: k, max: 1 }]);
    await expect(hitRateLimits("auth", [{ key: k, max: 1 }])).rejects.toBeInstanceOf(RateLimitError);
    await prisma.$executeRaw`UPDATE rate_limits SET window_start = window_start - interval '1 hour' WHERE key = ${k}`;
    await hitRateLimits("auth", [{ key: k, max: 1 }]);
    const [row] = await prisma.$queryRaw<{ count: number }[]>`SELECT count FROM rate_limits WHERE key = ${k}`;
    expect(row.count).toBe(1);
  });

  it("checks every key of a hit and ignores limits set to 0", async () => {
    const [loose, tight, off] = [key(), key(), key()];
    await hitRateLimits("chat", [
      { key: loose, max: 5 },
      { key: tight, max: 1 },
      { key: off, max: 0 },
    ]);
    await expect(
      hitRateLimits("chat", [
        { key: loose, max: 5 },
        { key: tight, max: 1 },
      ]),
    ).rejects.toBeInstanceOf(RateLimitError);
    expect(await prisma.$queryRaw<unknown[]>`SELECT 1 FROM rate_limits WHERE key = ${off}`).toEqual([]);
  });
});

describe("addressBucket", () => {
  it("counts an IPv4 address by itself, however it is written, and an IPv6 address by its /64", () => {
    expect(addressBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("::ffff:203.0.113.7")).toBe("203.0.113.7");
    // Two addresses of one /64 share a bucket; the next /64 is another.
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(addressBucket("::1")).toBe("::/64");
    // What is not an address (an unknown peer) stays as it is.
    expect(addressBucket("unknown")).toBe("unknown");
  });
});
