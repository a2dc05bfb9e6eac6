import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ChatPage } from "./pages/chat-page";
import { ApiClient } from "./support/api-client";
import { baseUrl, launchBrowser } from "./support/browser";
import { queryRows } from "./support/db";
import { fullyInViewport, sidewaysOverflow } from "./support/page-checks";

/**
 * The defects a new user met in their first hour (issue 14), one test each,
 * in a real browser against the production build.
 */
let browser: Browser;
const contexts: BrowserContext[] = [];
let current: Page | null = null;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});
afterEach(async ({ task }) => {
  if (task.result?.state === "fail" && current)
    await current.screenshot({ path: `test-results/${task.name.slice(0, 40).replace(/\W+/g, "-")}.png` }).catch(() => {});
});

const PASSWORD = "correct horse battery";

async function newUser(who: string, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; email: string; chat: ChatPage }> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[browser ${who}] ${err.stack ?? err.message}`));
  // prompt(), confirm() and alert() are not how this app asks: any native dialog fails the test that opened it.
  page.on("dialog", (dialog) => {
    throw new Error(`unexpected native ${dialog.type()} dialog: ${dialog.message()}`);
  });
  const email = `${who}-${randomBytes(4).toString("hex")}@example.test`;
  await new AuthPage(page).register(email, PASSWORD);
  current = page;
  return { page, email, chat: new ChatPage(page) };
}

const userSessions = (email: string) =>
  queryRows<{ id: string; title: string; turns: number }>(
    `SELECT s.id, s.title, (SELECT count(*)::int FROM turns t WHERE t.chat_session_id = s.id) AS turns
       FROM chat_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 ORDER BY s.created_at`,
    [email],
  );

describe("a new user's first hour", () => {
  it("1: + New chat after the first message of a chat started from / starts a fresh chat", async () => {
    const { page, email, chat } = await newUser("newchat");
    await chat.send("First conversation about tides");
    const first = await chat.sessionId();
    await chat.waitForLastAssistant("completed", 1);

    await page.getByTestId("new-chat").click();
    await page.waitForURL(`${baseUrl()}/`);
    await expect.poll(() => page.getByTestId("message-user").count()).toBe(0);
    await chat.send("Second conversation about volcanoes");
    const second = await chat.sessionId();
    expect(second).not.toBe(first);
    await chat.waitForLastAssistant("completed", 1);
    expect(await page.getByTestId("message-user").count()).toBe(1);

    const sessions = await userSessions(email);
    expect(sessions.map((s) => [s.id, s.turns])).toEqual([
      [first, 2],
      [second, 2],
    ]);

    // The keyboard shortcut does the same.
    await page.keyboard.press("Control+Shift+O");
    await page.waitForURL(`${baseUrl()}/`);
    await expect.poll(() => page.getByTestId("message-user").count()).toBe(0);
  });

  it("3+4: compare shows the winner after a reload, with randomised anonymous sides, four choices and exactly one stored vote", async () => {
    const { page, email, chat } = await newUser("arena");
    const names = (await queryRows<{ display_name: string }>(`SELECT display_name FROM llm_models WHERE enabled`)).map((m) => m.display_name);
    await page.getByTestId("compare-toggle").check();
    await chat.send("Explain recursion to a child");
    const id = await chat.sessionId();
    for (const side of ["a", "b"]) {
      await expect
        .poll(() => page.getByTestId(`compare-${side}`).getByTestId("message-assistant").getAttribute("data-status"), { timeout: 20_000 })
        .toBe("completed");
    }
    // Before the vote: no model name anywhere in the comparison, and four choices.
    const before = (await page.getByTestId("compare-view").textContent()) ?? "";
    expect(names.filter((n) => before.includes(n))).toEqual([]);
    expect(await page.getByTestId("compare-view").getByTestId("model-badge").count()).toBe(0);
    for (const choice of ["vote-a", "vote-b", "vote-tie", "vote-both-bad"]) expect(await page.getByTestId(choice).isEnabled()).toBe(true);
    const answerB = (await page.getByTestId("compare-b").getByTestId("message-content").textContent())!;

    await page.getByTestId("vote-b").click();
    await page.getByTestId("compare-result").waitFor();
    const revealedB = (await page.getByTestId("compare-b-model").textContent())!;
    expect(names).toContain(revealedB);
    expect(await page.getByTestId("compare-result").textContent()).toContain(`You preferred ${revealedB}`);
    expect(await page.getByTestId("compare-b-winner").isVisible()).toBe(true);

    // Exactly one learning signal: the vote. No override, no rating.
    const votes = await queryRows<{ winner: string }>(`SELECT c.winner FROM comparisons c JOIN turns u ON u.id = c.user_turn_id WHERE u.chat_session_id = $1`, [
      id,
    ]);
    expect(votes).toEqual([{ winner: "b" }]);
    const decisions = await queryRows<{ override: boolean; compare_side: string | null }>(
      `SELECT d.override, d.compare_side FROM routing_decisions d JOIN turns t ON t.id = d.turn_id WHERE t.chat_session_id = $1 ORDER BY d.compare_side`,
      [id],
    );
    expect(decisions).toEqual([
      { override: false, compare_side: "challenger" },
      { override: false, compare_side: "router" },
    ]);
    expect(await queryRows(`SELECT r.id FROM ratings r JOIN users u ON u.id = r.user_id WHERE u.email = $1`, [email])).toEqual([]);

    // After a reload the transcript shows the winner (B), not the newest or the left answer.
    await page.reload();
    await expect.poll(() => chat.assistantMessages().count()).toBe(1);
    expect(await chat.lastAssistant().getByTestId("message-content").textContent()).toBe(answerB);
    expect(await chat.lastAssistant().getByTestId("model-badge").textContent()).toContain(revealedB);
    // Both answers stay to page through; they stream side by side, so either may be stored first.
    expect(await chat.lastAssistant().getByTestId("answer-position").textContent()).toMatch(/^[12]\/2$/);
  });

  it("3+4: the router's pick is not always on the left", async () => {
    const client = await ApiClient.register("sides");
    const firstSide: string[] = [];
    for (let i = 0; i < 12; i++) {
      const chatSessionId = await client.createSession();
      const start = await client.request("/api/compare", { method: "POST", json: { chatSessionId, text: "Explain recursion to a child" } });
      expect(start.status).toBe(201);
      firstSide.push(((await start.json()) as { modelIds: [string, string] }).modelIds[0]);
    }
    // The same question routes to the same model; with random sides it lands left and right (all on one side: p = 1/2048).
    expect(new Set(firstSide).size).toBe(2);
  });

  it("3+4: the admin's router-vs-fixed table counts compare votes", async () => {
    const admin = await ApiClient.register("cmp-admin");
    await queryRows(`UPDATE users SET role = 'admin' WHERE email = $1`, [admin.email]);
    const signIn = await admin.request("/api/login", { method: "POST", json: { email: admin.email, password: PASSWORD } });
    expect(signIn.status).toBe(200);
    const chatSessionId = await admin.createSession();
    const { userTurnId, modelIds, seal } = (await (
      await admin.request("/api/compare", { method: "POST", json: { chatSessionId, text: "Which database should I use?" } })
    ).json()) as { userTurnId: string; modelIds: [string, string]; seal: string };
    for (const modelId of modelIds)
      await (await admin.request("/api/compare/answer", { method: "POST", json: { chatSessionId, userTurnId, modelId, modelIds, seal } })).text();
    const [a, b] = await queryRows<{ id: string }>(`SELECT id FROM turns WHERE parent_id = $1 ORDER BY position`, [userTurnId]);
    const routerSide =
      (await queryRows<{ compare_side: string }>(`SELECT compare_side FROM routing_decisions WHERE turn_id = $1`, [a.id]))[0].compare_side === "router"
        ? "a"
        : "b";
    expect((await admin.request("/api/compare/vote", { method: "POST", json: { userTurnId, turnAId: a.id, turnBId: b.id, winner: routerSide } })).status).toBe(
      201,
    );

    const routerPage = await admin.request("/admin/router?days=1");
    expect(routerPage.status).toBe(200);
    const html = await routerPage.text();
    // Rendered as "<wins> / <ties> / <losses>" in the row of the model the router was compared with; at least this vote.
    const counts = [...html.matchAll(/>(\d+) \/ (\d+) \/ (\d+)</g)].map((m) => Number(m[1]) + Number(m[2]) + Number(m[3]));
    expect(counts.reduce((s, n) => s + n, 0)).toBeGreaterThanOrEqual(1);
  });

  it("5: when every model fails the answer says so once, and the label stays after the next message", async () => {
    const { chat, page } = await newUser("failing");
    await chat.send("This will break [demo:fail]");
    await chat.waitForLastAssistant("failed", 1);
    const failed = chat.lastAssistant();
    expect(await failed.getByTestId("message-status").textContent()).toBe("Failed");
    const note = (await failed.getByTestId("message-fallback").textContent()) ?? "";
    expect(note).toContain("No model could answer");
    expect(note).not.toContain("Answered by");
    // Models by the names the user sees everywhere else, not their ids.
    expect(note).toContain("Demo · Concise");
    expect(note).not.toMatch(/demo-(concise|detailed|coder)/);

    await chat.send("Are you back?");
    await chat.waitForLastAssistant("completed", 2);
    const first = chat.assistantMessages().first();
    expect(await first.getAttribute("data-status")).toBe("failed");
    expect(await first.getByTestId("message-status").textContent()).toBe("Failed");
    expect(await page.getByTestId("message-status").count()).toBe(1);
  });

  it("6: an 18,000-character message is refused in place: error in view, text kept, counter shown, no session created", async () => {
    const { page, email } = await newUser("longmsg");
    const text = `${"a".repeat(17_990)} end words`;
    await page.getByTestId("composer-input").fill(text);
    expect(await page.getByTestId("char-count").textContent()).toBe("18,000 / 16,000");
    expect(await page.getByTestId("send").isDisabled()).toBe(true);
    await page.getByTestId("composer-input").press("Enter");
    await page.getByTestId("chat-error").waitFor();
    expect(await page.getByTestId("chat-error").textContent()).toContain("the limit is 16,000");
    expect(await fullyInViewport(page, "chat-error")).toBe(true);
    expect((await page.getByTestId("composer-input").inputValue()).length).toBe(18_000);
    expect(await userSessions(email)).toEqual([]);

    await page.getByTestId("composer-input").fill("Short enough");
    expect(await page.getByTestId("chat-error").count()).toBe(0);
    expect(await page.getByTestId("char-count").textContent()).toBe("12 / 16,000");
  });

  it("7 and 12: the why-this-model popover stays on screen, closes with Escape or a click outside, and speaks plain language", async () => {
    const { page, chat } = await newUser("popover");
    await chat.send("What is the capital of France?");
    const id = await chat.sessionId();
    await chat.waitForLastAssistant("completed", 1);
    await chat.rateLast(1);
    await chat.send("What is the capital of France, again?");
    await chat.waitForLastAssistant("completed", 2);

    const popover = await chat.openWhyPopover();
    await popover.waitFor();
    expect(await fullyInViewport(page, "why-popover")).toBe(true);
    const text = (await popover.textContent()) ?? "";
    expect(text).not.toMatch(/[+-]?\d+\.\d+ from your ratings/);
    expect(text).toMatch(/Personalised with 1 of your ratings/);
    expect(await popover.getByTestId("why-adjustment").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Your ratings and picks on similar questions (strongly |slightly )?(favour it|count against it)\.$/)]),
    );

    await page.keyboard.press("Escape");
    await popover.waitFor({ state: "detached" });
    await chat.openWhyPopover();
    await popover.waitFor();
    await page.getByTestId("message-user").first().click();
    await popover.waitFor({ state: "detached" });
    expect(id).toBeTruthy();
  });

  it("8: a 600-character unbroken word does not widen the page", async () => {
    const { page, chat } = await newUser("longword");
    await chat.send(`Repeat this: ${"x".repeat(600)}`);
    await chat.waitForLastAssistant("completed", 1);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    const list = await page.getByTestId("message-list").evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(list).toBeLessThanOrEqual(0);
  });

  it("answers render LaTeX math and code blocks with their language and a copy button", async () => {
    const { page, chat } = await newUser("math");
    await page.getByTestId("model-picker").selectOption("demo-coder");
    await chat.send("Prove Euler's identity $e^{i\\pi} + 1 = 0$");
    await chat.waitForLastAssistant("completed", 1);
    const answer = chat.lastAssistant();
    expect(await answer.locator(".katex").count()).toBeGreaterThanOrEqual(1);
    expect(await answer.getByTestId("code-language").first().textContent()).toBe("ts");
    expect(await answer.getByTestId("copy-code").count()).toBeGreaterThanOrEqual(1);
  });

  it("9: /v1 calls do not add chats to the caller's sidebar", async () => {
    const client = await ApiClient.register("v1side");
    const created = await client.request("/api/api-keys", { method: "POST", json: { name: "sidebar" } });
    const { key } = (await created.json()) as { key: string };
    const call = await fetch(`${baseUrl()}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "auto", messages: [{ role: "user", content: "hello from a script" }] }),
    });
    expect(call.status).toBe(200);
    const apiSession = call.headers.get("x-switchboard-chat-session-id");
    await call.text();
    expect(apiSession).toMatch(/^[0-9a-f-]{36}$/);
    const listed = (await (await client.request("/api/sessions")).json()) as { sessions: { id: string }[] };
    expect(listed.sessions.map((s) => s.id)).not.toContain(apiSession);
    // The call is still stored, in a session of its own.
    expect(await queryRows(`SELECT source FROM chat_sessions WHERE id = $1`, [apiSession])).toEqual([{ source: "api" }]);
  });

  it("12: thumbs are SVG icons, reasons are stored with the rating, a stopped answer can be rated", async () => {
    const { page, chat } = await newUser("thumbs");
    await chat.send("Tell me a long story about the sea [demo:slow]");
    const id = await chat.sessionId();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="message-assistant"] [data-testid="message-content"]')?.textContent?.length ?? 0) > 20,
    );
    await chat.stop();
    await chat.waitForLastAssistant("stopped", 1);
    const bar = chat.lastAssistant().getByTestId("rating-bar");
    expect(await bar.getByTestId("thumb-up").locator("svg").count()).toBe(1);
    expect((await bar.getByTestId("thumb-up").textContent())?.trim()).toBe("");
    await bar.getByTestId("thumb-down").click();
    await bar.getByTestId("reason-too-long").click();
    await expect.poll(() => bar.getByTestId("reason-too-long").getAttribute("aria-pressed")).toBe("true");
    await expect
      .poll(() =>
        queryRows<{ thumbs_up: boolean; reasons: string[] }>(
          `SELECT r.thumbs_up, r.reasons FROM ratings r JOIN turns t ON t.id = r.turn_id WHERE t.chat_session_id = $1`,
          [id],
        ),
      )
      .toEqual([{ thumbs_up: false, reasons: ["too long"] }]);
  });

  it("12: regenerate keeps the earlier answer to page back to (‹ 1/2 ›), also after a reload", async () => {
    const { page, chat } = await newUser("regen");
    await chat.send("Name a colour");
    await chat.sessionId();
    await chat.waitForLastAssistant("completed", 1);
    const firstTurn = await chat.lastAssistant().getAttribute("data-turn-id");
    await page.getByTestId("model-picker").selectOption("demo-detailed");
    await page.getByTestId("regenerate").click();
    await page.waitForFunction((first) => {
      const last = [...document.querySelectorAll('[data-testid="message-assistant"]')].pop();
      return last?.getAttribute("data-status") === "completed" && last.getAttribute("data-turn-id") !== first;
    }, firstTurn);
    expect(await chat.lastAssistant().getByTestId("answer-position").textContent()).toBe("2/2");
    await chat.lastAssistant().getByTestId("answer-prev").click();
    expect(await chat.lastAssistant().getByTestId("answer-position").textContent()).toBe("1/2");
    expect(await chat.lastAssistant().getAttribute("data-turn-id")).toBe(firstTurn);

    await page.reload();
    await expect.poll(() => chat.assistantMessages().count()).toBe(1);
    expect(await chat.lastAssistant().getByTestId("answer-position").textContent()).toBe("2/2");
    await chat.lastAssistant().getByTestId("answer-prev").click();
    expect(await chat.lastAssistant().getAttribute("data-turn-id")).toBe(firstTurn);
  });

  it("12: a rating given to an earlier answer stays when paging away and back, and the next click adds to it", async () => {
    const { page, chat } = await newUser("regen-rate");
    await chat.send("Name a fruit");
    await chat.waitForLastAssistant("completed", 1);
    const firstTurn = await chat.lastAssistant().getAttribute("data-turn-id");
    await page.getByTestId("regenerate").click();
    await page.waitForFunction((first) => {
      const last = [...document.querySelectorAll('[data-testid="message-assistant"]')].pop();
      return last?.getAttribute("data-status") === "completed" && last.getAttribute("data-turn-id") !== first;
    }, firstTurn);
    await chat.lastAssistant().getByTestId("answer-prev").click();
    await chat.rateLast(4);
    await expect.poll(() => queryRows(`SELECT stars FROM ratings WHERE turn_id = $1`, [firstTurn])).toEqual([{ stars: 4 }]);
    await chat.lastAssistant().getByTestId("answer-next").click();
    await chat.lastAssistant().getByTestId("answer-prev").click();
    expect(await chat.lastAssistant().getByTestId("star-4").getAttribute("aria-checked")).toBe("true");
    await chat.lastAssistant().getByTestId("thumb-up").click();
    await expect.poll(() => queryRows(`SELECT stars, thumbs_up FROM ratings WHERE turn_id = $1`, [firstTurn])).toEqual([{ stars: 4, thumbs_up: true }]);
  });

  it("12: chats are renamed and deleted in the app, without prompt() or confirm()", async () => {
    const { page, email, chat } = await newUser("rename");
    await chat.send("A chat to rename");
    const id = await chat.sessionId();
    await chat.waitForLastAssistant("completed", 1);
    await expect.poll(() => chat.sessionLinks().count()).toBe(1);

    await page.getByTestId("session-rename").click();
    await page.getByTestId("session-title-input").fill("Renamed in place");
    await page.getByTestId("session-title-input").press("Enter");
    await expect.poll(() => chat.sessionLinks().first().textContent()).toBe("Renamed in place");
    expect((await userSessions(email))[0].title).toBe("Renamed in place");

    await page.getByTestId("session-delete").click();
    await page.getByTestId("session-delete-dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("session-delete-dialog").waitFor({ state: "detached" });
    expect(await userSessions(email)).toHaveLength(1);
    // Deleted, then undone: back in the list, still in the database after the undo window.
    await page.getByTestId("session-delete").click();
    await page.getByTestId("session-delete-confirm").click();
    await page.waitForURL(`${baseUrl()}/`);
    await page.getByTestId("undo-delete").waitFor();
    expect(await chat.sessionLinks().count()).toBe(0);
    mkdirSync("test-results/screens", { recursive: true });
    await page.screenshot({ path: "test-results/screens/undo-delete.png" });
    await page.getByTestId("undo-delete-button").click();
    await expect.poll(() => chat.sessionLinks().count()).toBe(1);
    await page.waitForTimeout(6_000);
    expect((await userSessions(email)).map((s) => s.id)).toEqual([id]);

    // Deleted for good once the undo window ends.
    await page.getByTestId("session-delete").click();
    await page.getByTestId("session-delete-confirm").click();
    expect(await userSessions(email)).toHaveLength(1);
    await expect.poll(() => userSessions(email), { timeout: 10_000 }).toEqual([]);
    await page.getByTestId("undo-delete").waitFor({ state: "detached" });
    expect(await chat.sessionLinks().count()).toBe(0);
  });

  it("12: a chat deleted just before the page is left is deleted all the same", async () => {
    const { page, email, chat } = await newUser("leave");
    await chat.send("A chat deleted on the way out");
    await chat.waitForLastAssistant("completed", 1);
    await page.getByTestId("session-delete").click();
    await page.getByTestId("session-delete-confirm").click();
    await page.getByTestId("undo-delete").waitFor();
    await page.goto(`${baseUrl()}/settings`);
    await expect.poll(() => userSessions(email), { timeout: 10_000 }).toEqual([]);
  });

  it("12: the 403 page leads back to the chats, and the app has a favicon", async () => {
    const { page } = await newUser("member");
    const response = await page.goto(`${baseUrl()}/admin`);
    expect(response?.status()).toBe(403);
    await page.getByTestId("forbidden-back").click();
    await page.waitForURL(`${baseUrl()}/`);
    await page.getByTestId("composer-input").waitFor();

    const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
    expect(icon).toBeTruthy();
    const fetched = await fetch(new URL(icon!, baseUrl()));
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toContain("image/svg+xml");
  });
});

describe("admin pages a new admin meets", () => {
  let page: Page;
  const versionId = `e2e-zero-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const admin = await newUser("admin14");
    page = admin.page;
    const email = admin.email;
    await queryRows(`UPDATE users SET role = 'admin' WHERE email = $1`, [email]);
    // The role is read into the session at sign-in.
    await page.context().clearCookies();
    await new AuthPage(page).login(email, PASSWORD);
    const metrics = {
      heldOut: { candidate: { pairs: 0, pairAccuracy: null, points: 0, pointAuc: null }, active: { metrics: null }, pairAccuracyGain: null },
      train: { valAuc: -1, epochs: 2 },
    };
    await queryRows(`INSERT INTO router_versions (id, path, manifest, metrics, active) VALUES ($1, '/models/zero', '{}', $2, false)`, [
      versionId,
      JSON.stringify(metrics),
    ]);
  });

  it("10: retraining asks first, a version evaluated on 0 held-out pairs cannot be activated, metrics read as a table", async () => {
    current = page;
    const runsBefore = await queryRows(`SELECT id FROM training_runs`);
    await page.goto(`${baseUrl()}/admin/router`);
    await page.getByTestId("router-retrain").click();
    await page.getByTestId("retrain-dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("retrain-dialog").waitFor({ state: "detached" });
    expect(await queryRows(`SELECT id FROM training_runs`)).toEqual(runsBefore);

    const row = page.getByTestId("router-versions-row").filter({ hasText: versionId });
    expect(await row.getByTestId("router-activate").count()).toBe(0);
    expect(await row.getByTestId("router-not-activatable").textContent()).toContain("0 held-out pairs");
    // biome-ignore lint/performance/useDomNodeTextContent: innerText keeps the rendered gaps between a term and its value.
    const table = (await row.getByTestId("version-metrics").locator("dl").innerText()).replace(/\s+/g, " ");
    expect(table).toContain("Held-out pairs 0");
    expect(table).toContain("Training valAuc not computed");
    expect(table).not.toContain("-1");
  });

  it("10: a running retrain shows its progress live, without a reload", async () => {
    current = page;
    const [run] = await queryRows<{ id: string }>(
      `INSERT INTO training_runs (id, status, progress, stage) VALUES (gen_random_uuid(), 'running', 0.4, 'train') RETURNING id::text`,
    );
    try {
      await page.goto(`${baseUrl()}/admin/router`);
      await expect.poll(() => page.getByTestId("retrain-progress").textContent()).toContain("Retraining: train");
      expect(await page.getByTestId("retrain-progress").textContent()).toContain("40%");
      await queryRows(
        `UPDATE training_runs SET status = 'succeeded', progress = 1, stage = 'done', router_version_id = $2, finished_at = now() WHERE id = $1`,
        [run.id, versionId],
      );
      await expect.poll(() => page.getByTestId("retrain-progress").getAttribute("data-status"), { timeout: 10_000 }).toBe("succeeded");
      expect(await page.getByTestId("retrain-progress").textContent()).toContain(`version ${versionId} registered`);
    } finally {
      await queryRows(`UPDATE training_runs SET status = 'failed', finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')`, [run.id]);
    }
  });

  it("11: failed turns are drawn red, and one day of model mix is drawn as bars, not dots", async () => {
    current = page;
    await page.goto(`${baseUrl()}/admin`);
    const turns = page.getByTestId("chart-turns-per-day");
    await turns.locator("svg").first().waitFor();
    const legend = await turns
      .locator(".recharts-legend-item")
      .evaluateAll((items) => items.map((i) => [i.textContent, i.querySelector("path")?.getAttribute("fill")]));
    expect(legend).toEqual(expect.arrayContaining([["failed", "#dc2626"]]));
    expect(legend.find(([name]) => name === "answered")?.[1]).not.toMatch(/#16a34a|#dc2626/);
    const days = await queryRows<{ n: number }>(`SELECT count(DISTINCT date_trunc('day', created_at))::int AS n FROM turns WHERE role = 'assistant'`);
    if (days[0].n < 3) expect(await page.getByTestId("chart-model-mix").getAttribute("data-chart")).toBe("bar");
  });
});
