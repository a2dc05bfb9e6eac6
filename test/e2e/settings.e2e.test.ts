import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ApiClient } from "./support/api-client";
import { baseUrl, launchBrowser } from "./support/browser";
import { queryRows } from "./support/db";

/** Settings: a user changes their password (every session and API key ends) and deletes their account (everything goes). */
const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "lighthouse keeper at dawn";
// A client address of its own per sign-in, so these tests never spend another test's login budget.
const ip = () => `10.42.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
const login = (client: ApiClient, email: string, password: string) =>
  client.request("/api/login", { method: "POST", json: { email, password }, headers: { "x-forwarded-for": ip() } });

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe("change password", () => {
  it("refuses a wrong current password or a weak new one with a message, and changes nothing", async () => {
    const user = await ApiClient.register("pw-bad");
    const wrong = await user.request("/api/me/password", { method: "POST", json: { currentPassword: "nope", newPassword: NEW_PASSWORD } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/current password is not correct/);
    const weak = await user.request("/api/me/password", { method: "POST", json: { currentPassword: PASSWORD, newPassword: "12345678" } });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: string }).error).toMatch(/too easy to guess/);
    expect((await user.request("/api/sessions")).status).toBe(200);
    expect((await login(ApiClient.anonymous(), user.email, PASSWORD)).status).toBe(200);
  });

  it("changes the password and ends every session, a copied cookie's too, and every API key: a stolen session's too", async () => {
    const user = await ApiClient.register("pw-ok");
    const copy = ApiClient.anonymous();
    copy.adoptCookies(user);
    const minted = await copy.request("/api/api-keys", { method: "POST", json: { name: "minted with a copied cookie" } });
    const { key } = (await minted.json()) as { key: string };
    const withKey = () => ApiClient.anonymous().request("/v1/models", { headers: { authorization: `Bearer ${key}` } });
    expect((await withKey()).status).toBe(200);
    const changed = await user.request("/api/me/password", { method: "POST", json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ changed: true, revokedApiKeys: 1 });
    expect((await user.request("/api/sessions")).status).toBe(401);
    expect((await copy.request("/api/sessions")).status).toBe(401);
    expect((await withKey()).status).toBe(401);
    const fresh = ApiClient.anonymous();
    expect((await login(fresh, user.email, PASSWORD)).status).toBe(401);
    expect((await login(fresh, user.email, NEW_PASSWORD)).status).toBe(200);
    expect((await fresh.request("/api/sessions")).status).toBe(200);
  });

  it("in the browser: the form says what went wrong, then changes the password and sends the user to sign in", async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    const email = `pw-ui-${randomBytes(4).toString("hex")}@example.test`;
    await new AuthPage(page).register(email, PASSWORD);
    await page.goto(`${baseUrl()}/settings`);
    await page.getByTestId("current-password").fill(PASSWORD);
    await page.getByTestId("new-password").fill(NEW_PASSWORD);
    await page.getByTestId("repeat-password").fill(`${NEW_PASSWORD}!`);
    await page.getByTestId("password-submit").click();
    expect(await page.getByTestId("password-status").textContent()).toMatch(/do not match/);
    await page.getByTestId("repeat-password").fill(NEW_PASSWORD);
    await page.getByTestId("password-submit").click();
    expect(await page.getByTestId("password-status").textContent()).toMatch(/Password changed/);
    await page.waitForURL(`${baseUrl()}/login`);
    await new AuthPage(page).login(email, NEW_PASSWORD);
    await page.context().close();
  });
});

describe("delete account", () => {
  it("refuses a confirmation that is not the account's email", async () => {
    const user = await ApiClient.register("del-bad");
    const res = await user.request("/api/me", { method: "DELETE", json: { confirmEmail: "someone@example.test" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not this account's email/);
    expect(await queryRows(`SELECT 1 FROM users WHERE email = $1`, [user.email])).toHaveLength(1);
  });

  it("in the browser: typing the email enables the button; the account, its chats and its session are gone", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const email = `del-ui-${randomBytes(4).toString("hex")}@example.test`;
    await new AuthPage(page).register(email, PASSWORD);
    const created = await page.request.post(`${baseUrl()}/api/sessions`, { data: {}, headers: { origin: baseUrl() } });
    expect(created.status()).toBe(201);
    await page.goto(`${baseUrl()}/settings`);
    expect(await page.getByTestId("delete-account-submit").isDisabled()).toBe(true);
    await page.getByTestId("delete-account-email").fill(email.toUpperCase());
    await page.getByTestId("delete-account-submit").click();
    await page.waitForURL(`${baseUrl()}/login`);
    expect(await queryRows(`SELECT 1 FROM users WHERE email = $1`, [email])).toHaveLength(0);
    expect(await queryRows(`SELECT 1 FROM chat_sessions s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL`)).toHaveLength(0);
    expect((await page.request.get(`${baseUrl()}/api/sessions`)).status()).toBe(401);
    expect(await new AuthPage(page).attemptLogin(email, PASSWORD)).toMatch(/./);
    await page.context().close();
  });
});
