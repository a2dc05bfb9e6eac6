import { decode, encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeSessionToken, encodeSessionToken } from "@/lib/auth/session-token";

const secret = "a-test-secret-of-at-least-thirty-two-characters";
const salt = "authjs.session-token";
const claims = { id: "user-1", email: "ada@example.com", role: "user", sv: 0 };

/** What Auth.js does with the cookie on every signed-in request: decode, run the jwt callback, encode again. */
async function refresh(token: string, callback = (c: Record<string, unknown>) => c): Promise<string> {
  const decoded = await decodeSessionToken({ token, secret, salt });
  if (!decoded) throw new Error("the cookie did not decode");
  return encodeSessionToken({ token: callback(decoded), secret, salt });
}

describe("session cookie codec", () => {
  afterEach(() => vi.useRealTimers());

  it("decodes what Auth.js encodes, and Auth.js decodes what it re-issues", async () => {
    const token = await encode({ token: claims, secret, salt });
    expect(await decodeSessionToken({ token, secret, salt })).toMatchObject(claims);
    const changed = await refresh(token, (c) => ({ ...c, role: "admin" }));
    expect(await decode({ token: changed, secret, salt })).toMatchObject({ ...claims, role: "admin" });
  });

  it("gives back the same cookie while its claims are unchanged and it is younger than an hour", async () => {
    const token = await encode({ token: claims, secret, salt });
    expect(await refresh(token)).toBe(token);
    expect(await refresh(await refresh(token))).toBe(token);
  });

  it("re-issues the cookie when the jwt callback changes a claim", async () => {
    const token = await encode({ token: claims, secret, salt });
    const promoted = await refresh(token, (c) => ({ ...c, role: "admin" }));
    expect(promoted).not.toBe(token);
    expect(await decodeSessionToken({ token: promoted, secret, salt })).toMatchObject({ role: "admin" });
  });

  it("re-issues a cookie older than an hour with a later expiry, so active sessions slide forward", async () => {
    const token = await encode({ token: claims, secret, salt });
    const first = await decodeSessionToken({ token, secret, salt });
    vi.useFakeTimers({ now: Date.now() + 61 * 60 * 1000, toFake: ["Date"] });
    const renewed = await refresh(token);
    expect(renewed).not.toBe(token);
    const second = await decode({ token: renewed, secret, salt });
    expect(second!.exp!).toBeGreaterThan(first!.exp!);
  });

  it("refuses a cookie past its expiry even after it was decoded while valid", async () => {
    const token = await encode({ token: claims, secret, salt, maxAge: 60 });
    expect(await decodeSessionToken({ token, secret, salt })).toMatchObject(claims);
    vi.useFakeTimers({ now: Date.now() + 2 * 60 * 1000, toFake: ["Date"] });
    await expect(decodeSessionToken({ token, secret, salt })).rejects.toThrow(/exp/);
  });

  it("refuses a tampered cookie and one encrypted under another secret", async () => {
    const token = await encode({ token: claims, secret, salt });
    await decodeSessionToken({ token, secret, salt });
    const tampered = `${token.slice(0, -4)}${token.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    await expect(decodeSessionToken({ token: tampered, secret, salt })).rejects.toThrow();
    const foreign = await encode({ token: claims, secret: `${secret}-other`, salt });
    await expect(decodeSessionToken({ token: foreign, secret, salt })).rejects.toThrow();
  });
});
