import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { hashPassword, passwordSchema, verifyPassword, verifyPasswordOrDummy } from "@/lib/auth/password";

describe("password hashing", () => {
  it("keeps the event loop free while four logins verify their passwords at once", async () => {
    const hash = await hashPassword("correct horse battery");
    await verifyPassword("warm-up", hash);
    // Event-loop utilization counts the time the main thread ran JavaScript, not time it waited (or was descheduled on a busy machine).
    const before = performance.eventLoopUtilization();
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => verifyPassword(i % 2 ? "correct horse battery" : "wrong", hash)));
    const { active } = performance.eventLoopUtilization(before);
    console.log(`event loop busy ${active.toFixed(1)} ms of ${(performance.now() - started).toFixed(0)} ms during 4 parallel bcrypt verifications`);
    expect(results).toEqual([false, true, false, true]);
    // bcryptjs computed the hashes on the main thread: 304-450 ms of it for these four. Native bcrypt works on libuv's threads;
    // what remains is the test runner's own work and GC, 1-63 ms on a busy machine.
    expect(active).toBeLessThan(100);
  });

  it("spends as long on an unknown account as on a wrong password, and never accepts one", async () => {
    const hash = await hashPassword("correct horse battery");
    const time = async (fn: () => Promise<boolean>) => {
      const started = performance.now();
      expect(await fn()).toBe(false);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time(() => verifyPasswordOrDummy("wrong", hash)));
      unknown.push(await time(() => verifyPasswordOrDummy("wrong", null)));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[2];
    console.log(`wrong password ${median(known).toFixed(0)} ms, unknown account ${median(unknown).toFixed(0)} ms (medians of 5)`);
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(await verifyPasswordOrDummy("switchboard-no-such-account", null)).toBe(false);
  });
});

describe("password policy", () => {
  it("refuses common and guessable passwords whatever their length, and accepts a passphrase", () => {
    for (const weak of ["12345678", "password", "qwertyuiop", "password123!"]) {
      const parsed = passwordSchema.safeParse(weak);
      expect(parsed.success, weak).toBe(false);
      expect(parsed.error!.issues[0].message).toMatch(/too easy to guess/);
    }
    // zxcvbn's advice in words, not its keys ("topTen anotherWord").
    expect(passwordSchema.safeParse("password").error!.issues[0].message).toBe(
      "This password is too easy to guess. This is a heavily used password. Add more words that are less common.",
    );
    expect(passwordSchema.safeParse("correct horse battery").success).toBe(true);
    expect(passwordSchema.safeParse("short").error!.issues[0].message).toMatch(/at least 8/);
    expect(passwordSchema.safeParse("correct horse\u0000battery").error!.issues[0].message).toMatch(/NUL/);
  });
});
