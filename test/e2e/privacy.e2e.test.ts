import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ApiClient } from "./support/api-client";
import { baseUrl, launchBrowser } from "./support/browser";
import { queryRows } from "./support/db";

let browser: Browser;
let page: Page;
let userId: string;
let other: ApiClient;

/** Sends one chat turn with the browser's session and returns the assistant turn's id. */
async function chat(text: string): Promise<string> {
  const created = await page.request.post(`${baseUrl()}/api/sessions`, { data: {}, headers: { origin: baseUrl() } });
  const sessionId = ((await created.json()) as { session: { id: string } }).session.id;
  const res = await page.request.post(`${baseUrl()}/api/chat`, {
    data: { trigger: "submit-message", chatSessionId: sessionId, text },
    headers: { origin: baseUrl() },
  });
  expect(res.status()).toBe(200);
  await res.body();
  const [turn] = await queryRows<{ id: string }>(`SELECT id FROM turns WHERE chat_session_id = $1 AND role = 'assistant' ORDER BY position DESC LIMIT 1`, [
    sessionId,
  ]);
  return turn.id;
}

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  const email = `privacy-${randomBytes(4).toString("hex")}@example.test`;
  await new AuthPage(page).register(email, "correct horse battery");
  [{ id: userId }] = await queryRows<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email]);
  other = await ApiClient.register("privacy-other");
  await other.chat(await other.createSession(), "Someone else's secret question");

  for (const [i, thumbs] of [true, false, true].entries()) {
    const turnId = await chat(`My question number ${i} about tides`);
    await queryRows(`INSERT INTO ratings (id, turn_id, user_id, thumbs_up, value, updated_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, now())`, [
      turnId,
      userId,
      thumbs,
      thumbs ? 1 : 0,
    ]);
  }
}, 120_000);

afterAll(() => browser?.close());

describe("privacy page", () => {
  it("downloads exactly the user's own data as an attachment", async () => {
    await page.goto(`${baseUrl()}/privacy`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("privacy-download").click()]);
    expect(download.suggestedFilename()).toMatch(/^switchboard-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"))) as {
      user: { id: string };
      turns: { userId: string; content: string }[];
      ratings: { userId: string }[];
    };
    expect(data.user.id).toBe(userId);
    expect(data.ratings).toHaveLength(3);
    expect(data.turns.length).toBe(6);
    expect(data.turns.every((t) => t.userId === userId)).toBe(true);
    expect(JSON.stringify(data)).not.toContain("Someone else's secret question");
  });

  it("forgets the preferences after a confirmation; the next chat is routed cold-start", async () => {
    const decision = (turnId: string) =>
      queryRows<{ ratings_used: number; fallback: boolean }>(`SELECT ratings_used, fallback FROM routing_decisions WHERE turn_id = $1`, [turnId]);
    const [before] = await decision(await chat("A question while my ratings count"));
    // Without a servable router model every decision is a fallback that reads no history.
    if (!before.fallback) expect(before.ratings_used).toBe(3);

    await page.goto(`${baseUrl()}/privacy`);
    await page.getByTestId("privacy-forget").click();
    await page.getByTestId("privacy-forget-confirm").click();
    await page.getByTestId("privacy-forget-done").waitFor();
    expect(await page.getByTestId("privacy-forget-done").textContent()).toContain("3 ratings");

    expect(await queryRows(`SELECT id FROM ratings WHERE user_id = $1`, [userId])).toEqual([]);
    const [after] = await decision(await chat("A fresh question after forgetting"));
    expect(after).toMatchObject({ ratings_used: 0, fallback: before.fallback });
  });

  it("my routing tells a new user there is nothing yet, and names models by their display names once there is", async () => {
    const fresh = await (await browser.newContext()).newPage();
    await new AuthPage(fresh).register(`my-routing-${randomBytes(4).toString("hex")}@example.test`, "correct horse battery");
    await fresh.goto(`${baseUrl()}/my-routing`);
    await fresh.getByTestId("my-mix-empty").waitFor();
    expect(await fresh.getByTestId("my-mix-row").count()).toBe(0);

    await page.goto(`${baseUrl()}/my-routing`);
    await page.getByTestId("my-mix").waitFor();
    const rows = await page.getByTestId("my-mix-row").allTextContents();
    expect(rows.join(" ")).toMatch(/Demo · /);
    expect(rows.join(" ")).not.toMatch(/demo-(concise|detailed|coder)/);
    expect(await page.getByTestId("my-choices-chart").textContent()).not.toMatch(/demo-(concise|detailed|coder)/);
    await fresh.context().close();
  });
});
