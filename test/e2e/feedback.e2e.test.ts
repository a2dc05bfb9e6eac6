import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ChatPage } from "./pages/chat-page";
import { ApiClient } from "./support/api-client";
import { launchBrowser } from "./support/browser";
import { countRows, queryRows } from "./support/db";

let alice: ApiClient;
let sessionId: string;

async function answerTurnId(chatSessionId: string, status = "completed"): Promise<string> {
  const rows = await queryRows<{ id: string }>(
    `SELECT id FROM turns WHERE chat_session_id = $1 AND role = 'assistant' AND status = $2 ORDER BY position DESC LIMIT 1`,
    [chatSessionId, status],
  );
  return rows[0].id;
}

async function expectRejected(send: () => Promise<Response>, status: number, message: RegExp) {
  const before = await countRows();
  const response = await send();
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: string }).error).toMatch(message);
  expect(await countRows()).toEqual(before);
}

beforeAll(async () => {
  alice = await ApiClient.register("rater");
  sessionId = await alice.createSession();
  await alice.chat(sessionId, "What is a monad?");
});

describe("ratings API", () => {
  it("stores one rating per answer however often it is sent, concurrently too, and maps it to the router scale", async () => {
    const turnId = await answerTurnId(sessionId);
    const put = (body: object) => alice.request("/api/ratings", { method: "PUT", json: { turnId, ...body } });
    expect((await put({ thumbsUp: true })).status).toBe(200);
    const concurrent = await Promise.all([put({ stars: 4 }), put({ stars: 4 }), put({ stars: 4 }), put({ stars: 4, comment: "good" })]);
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const rows = await queryRows<{ stars: number; thumbs_up: boolean; value: number; source: string }>(
      `SELECT stars, thumbs_up, value, source FROM ratings WHERE turn_id = $1`,
      [turnId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stars: 4, value: 0.75, source: "ui" });

    expect((await put({ stars: null, thumbsUp: false })).status).toBe(200);
    expect((await queryRows<{ value: number }>(`SELECT value FROM ratings WHERE turn_id = $1`, [turnId]))[0].value).toBe(0);

    expect((await alice.request("/api/ratings", { method: "DELETE", json: { turnId } })).status).toBe(204);
    expect(await queryRows(`SELECT 1 FROM ratings WHERE turn_id = $1`, [turnId])).toEqual([]);
  });

  it("rejects bad ratings with 4xx and changes nothing", async () => {
    const turnId = await answerTurnId(sessionId);
    const put = (body: object) => () => alice.request("/api/ratings", { method: "PUT", json: { turnId, ...body } });
    await expectRejected(put({ stars: 0 }), 400, /between 1 and 5/);
    await expectRejected(put({ stars: 6 }), 400, /between 1 and 5/);
    await expectRejected(put({ stars: 2.5 }), 400, /whole number/);
    await expectRejected(put({}), 400, /thumb or 1 to 5 stars/);
    await expectRejected(put({ stars: 3, comment: "x".repeat(501) }), 400, /at most 500/);
    await expectRejected(() => alice.request("/api/ratings", { method: "PUT", json: { turnId: randomUUID(), stars: 3 } }), 404, /not found/);

    const bob = await ApiClient.register("intruder");
    await expectRejected(() => bob.request("/api/ratings", { method: "PUT", json: { turnId, stars: 1 } }), 404, /not found/);
    await expectRejected(() => bob.request("/api/ratings", { method: "DELETE", json: { turnId } }), 404, /not found/);

    const failedSession = await alice.createSession();
    await alice.chat(failedSession, "break [demo:fail]");
    const failed = await answerTurnId(failedSession, "failed");
    await expectRejected(() => alice.request("/api/ratings", { method: "PUT", json: { turnId: failed, stars: 5 } }), 400, /this answer is failed/);
  });
});

describe("compare mode API", () => {
  it("answers one message with two models, takes one vote and refuses a second", async () => {
    const chatSessionId = await alice.createSession();
    const start = await alice.request("/api/compare", { method: "POST", json: { chatSessionId, text: "Explain recursion" } });
    expect(start.status).toBe(201);
    const { userTurnId, modelIds, seal } = (await start.json()) as { userTurnId: string; modelIds: [string, string]; seal: string };
    expect(new Set(modelIds).size).toBe(2);

    const answers = await Promise.all(
      modelIds.map((modelId) =>
        alice.request("/api/compare/answer", { method: "POST", json: { chatSessionId, userTurnId, modelId, modelIds, seal } }).then((r) => r.text()),
      ),
    );
    expect(answers.every((a) => a.includes('"type":"finish"'))).toBe(true);
    const siblings = await queryRows<{ id: string; model_id: string }>(`SELECT id, model_id FROM turns WHERE parent_id = $1 ORDER BY position`, [userTurnId]);
    expect(siblings.map((s) => s.model_id).sort()).toEqual([...modelIds].sort());
    // Compare sides are no user overrides: one is the router's own pick, the other its challenger.
    const sides = await queryRows<{ override: boolean; compare_side: string }>(
      `SELECT d.override, d.compare_side FROM routing_decisions d JOIN turns t ON t.id = d.turn_id WHERE t.parent_id = $1 ORDER BY d.compare_side`,
      [userTurnId],
    );
    expect(sides).toEqual([
      { override: false, compare_side: "challenger" },
      { override: false, compare_side: "router" },
    ]);

    const vote = { userTurnId, turnAId: siblings[0].id, turnBId: siblings[1].id, winner: "b" };
    expect((await alice.request("/api/compare/vote", { method: "POST", json: vote })).status).toBe(201);
    await expectRejected(() => alice.request("/api/compare/vote", { method: "POST", json: { ...vote, winner: "a" } }), 409, /already voted/);
    const stored = await queryRows<{ winner: string }>(`SELECT winner FROM comparisons WHERE user_turn_id = $1`, [userTurnId]);
    expect(stored).toEqual([{ winner: "b" }]);
  });

  it("answers a comparison only with its own two models, once each", async () => {
    const chatSessionId = await alice.createSession();
    const start = await alice.request("/api/compare", { method: "POST", json: { chatSessionId, text: "Pick a sorting algorithm" } });
    const { userTurnId, modelIds, seal } = (await start.json()) as { userTurnId: string; modelIds: [string, string]; seal: string };
    const third = ["demo-concise", "demo-detailed", "demo-coder"].find((m) => !modelIds.includes(m))!;
    const answer = (json: object) => alice.request("/api/compare/answer", { method: "POST", json: { chatSessionId, userTurnId, modelIds, seal, ...json } });
    // Another model, a pair of the client's choosing, a forged seal: none is this comparison's.
    await expectRejected(() => answer({ modelId: third }), 400, /not one of this comparison's two/);
    await expectRejected(() => answer({ modelId: third, modelIds: [modelIds[0], third] }), 400, /not one of this comparison's two/);
    await expectRejected(() => answer({ modelId: modelIds[0], seal: `${seal.slice(0, -2)}AA` }), 400, /not one of this comparison's two/);
    expect(await (await answer({ modelId: modelIds[0] })).text()).toContain('"type":"finish"');
    await expectRejected(() => answer({ modelId: modelIds[0] }), 409, /already answered/);
    expect(await (await answer({ modelId: modelIds[1] })).text()).toContain('"type":"finish"');
    expect(await queryRows(`SELECT model_id FROM turns WHERE parent_id = $1`, [userTurnId])).toHaveLength(2);
  });

  it("rejects votes on answers of another message, of another user, or identical answers", async () => {
    const chatSessionId = await alice.createSession();
    const { userTurnId, modelIds, seal } = (await (
      await alice.request("/api/compare", { method: "POST", json: { chatSessionId, text: "Name a prime" } })
    ).json()) as {
      userTurnId: string;
      modelIds: [string, string];
      seal: string;
    };
    await alice
      .request("/api/compare/answer", { method: "POST", json: { chatSessionId, userTurnId, modelId: modelIds[0], modelIds, seal } })
      .then((r) => r.text());
    const mine = await answerTurnId(chatSessionId);
    const foreign = await answerTurnId(sessionId);
    await expectRejected(
      () => alice.request("/api/compare/vote", { method: "POST", json: { userTurnId, turnAId: mine, turnBId: foreign, winner: "tie" } }),
      404,
      /belong to that message/,
    );
    await expectRejected(
      () => alice.request("/api/compare/vote", { method: "POST", json: { userTurnId, turnAId: mine, turnBId: mine, winner: "tie" } }),
      400,
      /two different answers/,
    );
    await expectRejected(
      () => alice.request("/api/compare/vote", { method: "POST", json: { userTurnId, turnAId: mine, turnBId: foreign, winner: "both" } }),
      400,
      /winner must be a, b, tie or both_bad/,
    );
  });
});

describe("feedback in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("rates an answer with stars and a thumb, and the rating survives a reload", async () => {
    const page = await (await browser.newContext()).newPage();
    await new AuthPage(page).register(`stars-${randomUUID().slice(0, 8)}@example.test`, "correct horse battery");
    const chat = new ChatPage(page);
    await chat.send("Rate me");
    await chat.waitForLastAssistant("completed", 1);
    await chat.lastAssistant().getByTestId("star-4").click();
    await chat.lastAssistant().getByTestId("thumb-up").click();
    const id = await chat.sessionId();
    await expect
      .poll(
        async () =>
          (
            await queryRows<{ stars: number; thumbs_up: boolean }>(
              `SELECT r.stars, r.thumbs_up FROM ratings r JOIN turns t ON t.id = r.turn_id WHERE t.chat_session_id = $1`,
              [id],
            )
          )[0],
        // Two saves, one after the other (the bar sends them in order): more than the default second on a busy machine.
        { timeout: 10_000 },
      )
      .toEqual({ stars: 4, thumbs_up: true });
    await page.reload();
    await expect.poll(() => chat.lastAssistant().getByTestId("star-4").getAttribute("aria-checked")).toBe("true");
    expect(await chat.lastAssistant().getByTestId("thumb-up").getAttribute("aria-pressed")).toBe("true");
  });

  it("three bad ratings for one model and three good ones for another change where the next similar question goes", async () => {
    const page = await (await browser.newContext()).newPage();
    await new AuthPage(page).register(`prefs-${randomUUID().slice(0, 8)}@example.test`, "correct horse battery");
    const chat = new ChatPage(page);
    await chat.send("Write a Python function that sorts a list of numbers.");
    await chat.waitForLastAssistant("completed", 1);
    const before = await chat.lastRoutedModel();
    // No one has rated yet: the demo catalog's example requests (models.json) decide, and the popover says so.
    expect(before).toBe("demo-coder");
    const first = await chat.openWhyPopover();
    expect(await first.getByTestId("why-state").textContent()).toContain("the administrator's notes on what each model is for decided");
    await page.keyboard.press("Escape");
    const other = ["demo-concise", "demo-detailed", "demo-coder"].find((m) => m !== before)!;

    const questions = [
      "Write a Python function that reverses a string.",
      "Write a Python function that removes duplicates from a list.",
      "Write a Python function that counts words in a text.",
    ];
    let answers = 1;
    for (const question of questions) {
      for (const [model, stars] of [
        [before, 1],
        [other, 5],
      ] as const) {
        await chat.pickModel(model);
        await chat.send(question);
        await chat.waitForLastAssistant("completed", ++answers);
        expect(await chat.lastRoutedModel()).toBe(model);
        await chat.rateLast(stars);
      }
    }

    await chat.pickModel("");
    await chat.send("Write a Python function that sorts a list of words.");
    await chat.waitForLastAssistant("completed", ++answers);
    expect(await chat.lastRoutedModel()).not.toBe(before);
    const popover = await chat.openWhyPopover();
    expect(await popover.getByTestId("why-state").textContent()).toContain("Personalised with 6 of your ratings, votes and model picks");
  });

  it("the stars are one tab stop that the arrow keys move along, as a radio group's", async () => {
    const page = await (await browser.newContext()).newPage();
    await new AuthPage(page).register(`stars-${randomUUID().slice(0, 8)}@example.test`, "correct horse battery");
    const chat = new ChatPage(page);
    await chat.send("Name a river");
    await chat.waitForLastAssistant("completed", 1);
    const turnId = await chat.lastAssistant().getAttribute("data-turn-id");
    const tabbable = () => chat.lastAssistant().locator('[role="radio"][tabindex="0"]').getAttribute("data-testid");
    expect(await tabbable()).toBe("star-1");
    await chat.lastAssistant().getByTestId("star-1").focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => queryRows(`SELECT stars FROM ratings WHERE turn_id = $1`, [turnId])).toEqual([{ stars: 3 }]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("star-3");
    expect(await tabbable()).toBe("star-3");
    await page.keyboard.press("End");
    await expect.poll(() => queryRows(`SELECT stars FROM ratings WHERE turn_id = $1`, [turnId])).toEqual([{ stars: 5 }]);
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => queryRows(`SELECT stars FROM ratings WHERE turn_id = $1`, [turnId])).toEqual([{ stars: 4 }]);
    await page.context().close();
  });

  it("compare mode streams two anonymous answers side by side, stores the vote and reveals the names", async () => {
    const page = await (await browser.newContext()).newPage();
    await new AuthPage(page).register(`compare-${randomUUID().slice(0, 8)}@example.test`, "correct horse battery");
    const chat = new ChatPage(page);
    await page.getByTestId("compare-toggle").check();
    await chat.send("Which sorting algorithm should I use?");
    const id = await chat.sessionId();
    await expect.poll(() => page.getByTestId("compare-a").getByTestId("message-assistant").getAttribute("data-status"), { timeout: 20_000 }).toBe("completed");
    await expect.poll(() => page.getByTestId("compare-b").getByTestId("message-assistant").getAttribute("data-status"), { timeout: 20_000 }).toBe("completed");
    await page.getByTestId("vote-a").click();
    await page.getByTestId("compare-result").waitFor();
    const [left, right] = await Promise.all([page.getByTestId("compare-a-model").textContent(), page.getByTestId("compare-b-model").textContent()]);
    expect(left).not.toBe(right);
    const votes = await queryRows<{ id: string; winner: string }>(
      `SELECT c.id, c.winner FROM comparisons c JOIN turns u ON u.id = c.user_turn_id WHERE u.chat_session_id = $1`,
      [id],
    );
    expect(votes.map((v) => v.winner)).toEqual(["a"]);

    // The vote reaches training: the app export, read by the trainer's importer, holds it as a comparison group.
    const dir = mkdtempSync(join(tmpdir(), "compare-export-"));
    const exported = spawnSync("npx", ["switchboard", "export", "--out", join(dir, "app.jsonl")], {
      env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
      encoding: "utf8",
    });
    expect(exported.status, exported.stderr).toBe(0);
    const imported = spawnSync("npx", ["switchboard", "import", "app", "--in", join(dir, "app.jsonl"), "--out", join(dir, "app.dataset.json"), "--no-embed"], {
      encoding: "utf8",
    });
    expect(imported.status, imported.stderr).toBe(0);
    const dataset = JSON.parse(readFileSync(join(dir, "app.dataset.json"), "utf8")) as { groups: { id: string; interactions: string[] }[] };
    expect(dataset.groups.find((g) => g.id === votes[0].id)?.interactions).toHaveLength(2);
  });

  it("a comparison whose answers failed asks for no vote and lets the conversation go on", async () => {
    const page = await (await browser.newContext()).newPage();
    await new AuthPage(page).register(`compare-fail-${randomUUID().slice(0, 8)}@example.test`, "correct horse battery");
    const chat = new ChatPage(page);
    await page.getByTestId("compare-toggle").check();
    await chat.send("Tell me a story [demo:fail]");
    await page.getByTestId("compare-unvotable").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("compare-unvotable").textContent()).toContain("Both answers failed");
    expect(await page.getByTestId("vote-a").count()).toBe(0);
    await page.getByTestId("compare-toggle").uncheck();
    await chat.send("Then just tell me a joke.");
    await chat.waitForLastAssistant("completed", 2);
    expect(await page.getByTestId("compare-view").count()).toBe(0);
    expect(await queryRows(`SELECT 1 FROM comparisons c JOIN turns u ON u.id = c.user_turn_id WHERE u.chat_session_id = $1`, [await chat.sessionId()])).toEqual(
      [],
    );
  });
});
