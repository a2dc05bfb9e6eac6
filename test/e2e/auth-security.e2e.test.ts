import { randomBytes } from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { actionHeaders } from "./support/actions";
import { ApiClient } from "./support/api-client";
import { queryRows } from "./support/db";

/**
 * Sign-in throttling on both password paths and session revocation, against
 * the production build. The e2e app keeps RATE_LIMIT_LOGIN_PER_ACCOUNT at its
 * default, 10 attempts per account and client IP per window.
 */
const PASSWORD = "correct horse battery";
const PER_ACCOUNT_IP = 10;
const ip = () => `203.0.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

async function viaLogin(email: string, password: string, from: string): Promise<Response> {
  return ApiClient.anonymous().request("/api/login", { method: "POST", json: { email, password }, headers: { "x-forwarded-for": from } });
}

/** next-auth's own sign-in: a CSRF token first, then the credentials callback, as its client library does. */
async function viaCallback(email: string, password: string, from: string): Promise<{ status: number; signedIn: boolean }> {
  const client = ApiClient.anonymous();
  const { csrfToken } = (await (await client.request("/api/auth/csrf", { headers: { "x-forwarded-for": from } })).json()) as { csrfToken: string };
  const response = await client.request("/api/auth/callback/credentials", {
    method: "POST",
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": from },
  });
  await response.text();
  const session = (await (await client.request("/api/auth/session")).json()) as { user?: { email: string } } | null;
  return { status: response.status, signedIn: session?.user?.email === email };
}

/**
 * The limiter counts in fixed windows aligned to the epoch (RATE_LIMIT_WINDOW_SECONDS, 60 as the e2e app runs): a
 * budget spent across a window's end starts again at zero. Waits for the next window when this one ends within
 * `ms`, so that a test's guesses all count against one window.
 */
async function inOneWindow(ms = 15_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

async function expect429(response: { status: number; headers?: Headers }) {
  expect(response.status).toBe(429);
  if (response.headers) expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
}

describe("password guessing", () => {
  it("is limited on /api/login and on next-auth's callback alike: one budget, 429 on both, even for the right password", async () => {
    const victim = await ApiClient.register("brute");
    const attacker = ip();
    await inOneWindow();
    for (let i = 0; i < PER_ACCOUNT_IP / 2; i++) expect((await viaLogin(victim.email, `guess-${i}`, attacker)).status).toBe(401);
    for (let i = 0; i < PER_ACCOUNT_IP / 2; i++) {
      const guess = await viaCallback(victim.email, `guess-cb-${i}`, attacker);
      expect(guess.status).toBe(302);
      expect(guess.signedIn).toBe(false);
    }
    await expect429(await viaLogin(victim.email, PASSWORD, attacker));
    const callback = await viaCallback(victim.email, PASSWORD, attacker);
    expect(callback.status).toBe(429);
    expect(callback.signedIn).toBe(false);
  });

  it("lets no stranger lock the owner out: guesses from other addresses leave the owner's sign-in working", async () => {
    const owner = await ApiClient.register("owner");
    await inOneWindow();
    for (let i = 0; i < PER_ACCOUNT_IP + 2; i++) expect((await viaLogin(owner.email, `guess-${i}`, ip())).status).toBe(401);
    const stranger = ip();
    for (let i = 0; i < PER_ACCOUNT_IP; i++) await viaCallback(owner.email, `cb-guess-${i}`, stranger);
    expect((await viaCallback(owner.email, `one more`, stranger)).status).toBe(429);
    expect((await viaLogin(owner.email, PASSWORD, ip())).status).toBe(200);
    expect((await viaCallback(owner.email, PASSWORD, ip())).signedIn).toBe(true);
  });
});

describe("session revocation", () => {
  it("signing out refuses a copied session cookie on its next request", async () => {
    const user = await ApiClient.register("signout");
    const copy = ApiClient.anonymous();
    copy.adoptCookies(user);
    expect((await copy.request("/api/sessions")).status).toBe(200);
    const signedOut = await user.request("/", { method: "POST", body: "[]", headers: actionHeaders("lib/auth/logout-action.ts", "logout") });
    expect(signedOut.status).toBeLessThan(400);
    expect((await copy.request("/api/sessions")).status).toBe(401);
    expect((await user.request("/api/sessions")).status).toBe(401);
    // Pages treat the revoked session as none: the chat sends the copy to the login page.
    const page = await copy.request("/");
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toMatch(/\/login$/);
    // Signing in again works and starts a new session.
    expect(
      (await user.request("/api/login", { method: "POST", json: { email: user.email, password: PASSWORD }, headers: { "x-forwarded-for": ip() } })).status,
    ).toBe(200);
    expect((await user.request("/api/sessions")).status).toBe(200);
  });

  it("signing out through next-auth's own endpoint refuses a copied session cookie too", async () => {
    const user = await ApiClient.register("signout-endpoint");
    const copy = ApiClient.anonymous();
    copy.adoptCookies(user);
    const { csrfToken } = (await (await user.request("/api/auth/csrf")).json()) as { csrfToken: string };
    const signedOut = await user.request("/api/auth/signout", {
      method: "POST",
      body: new URLSearchParams({ csrfToken, callbackUrl: "/login" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await signedOut.text();
    expect(signedOut.status).toBeLessThan(400);
    expect((await copy.request("/api/sessions")).status).toBe(401);
  });

  it("a role change takes effect on the next request, in both directions", async () => {
    const user = await ApiClient.register("demoted");
    await queryRows(`UPDATE users SET role = 'admin' WHERE email = $1`, [user.email]);
    expect((await user.request("/api/admin/users")).status).toBe(200);
    await queryRows(`UPDATE users SET role = 'user' WHERE email = $1`, [user.email]);
    expect((await user.request("/api/admin/users")).status).toBe(403);
  });

  it("a deleted user's session is refused", async () => {
    const user = await ApiClient.register("deleted");
    expect((await user.request("/api/sessions")).status).toBe(200);
    await queryRows(`DELETE FROM users WHERE email = $1`, [user.email]);
    expect((await user.request("/api/sessions")).status).toBe(401);
  });

  it("a JWT minted with the secret and role admin gives a plain user no admin access: the role is the database's", async () => {
    const user = await ApiClient.register("forger");
    const [{ id }] = await queryRows<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [user.email]);
    const salt = "authjs.session-token";
    const token = await encode({ token: { id, email: user.email, role: "admin", sv: 0 }, secret: process.env.E2E_AUTH_SECRET!, salt });
    const forged = ApiClient.anonymous();
    const response = await forged.request("/api/admin/users", { headers: { cookie: `${salt}=${token}` } });
    expect(response.status).toBe(403);
  });
});
