import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ChatPage } from "./pages/chat-page";
import { ApiClient } from "./support/api-client";
import { baseUrl, launchBrowser } from "./support/browser";
import { countRows, queryRows } from "./support/db";
import { sidewaysOverflow } from "./support/page-checks";

/** Searching across my chats: titles and message text, only my own, wildcards taken literally. */
const word = `pelican${randomBytes(3).toString("hex")}`;
type Match = { id: string; title: string; snippet: string | null };
const search = async (client: ApiClient, q: string) => {
  const response = await client.request(`/api/sessions?q=${encodeURIComponent(q)}`);
  return { status: response.status, body: (await response.json()) as { sessions?: Match[]; error?: string } };
};

let alice: ApiClient;
let inText: string;
let percent: string;
beforeAll(async () => {
  alice = await ApiClient.register("search");
  inText = await alice.createSession();
  await alice.chat(inText, "Where do birds spend the winter?");
  await alice.chat(inText, `Tell me how the ${word} migrates along the coast of Patagonia in spring`);
  percent = await alice.createSession();
  await alice.chat(percent, `Is 50% off ${word} feathers a good deal?`);
  await alice.chat(await alice.createSession(), "A chat about something else entirely");
  const bob = await ApiClient.register("search-other");
  await bob.chat(await bob.createSession(), `Bob also writes about the ${word}`);
}, 120_000);

describe("chat search", () => {
  it("finds my chats by message text, newest first, with an excerpt around the match, and never someone else's", async () => {
    const { status, body } = await search(alice, word.toUpperCase());
    expect(status).toBe(200);
    expect(body.sessions?.map((s) => s.id)).toEqual([percent, inText]);
    expect(body.sessions?.[1].snippet).toContain(`how the ${word} migrates`);
  });

  it("takes % and _ literally", async () => {
    expect((await search(alice, "50%")).body.sessions?.map((s) => s.id)).toEqual([percent]);
    expect((await search(alice, "%")).body.sessions?.map((s) => s.id)).toEqual([percent]);
    // Unescaped, "peli_an" would match every chat that mentions the pelican.
    expect((await search(alice, "peli_an")).body.sessions).toEqual([]);
  });

  it("refuses an empty or over-long search with a message", async () => {
    expect(await search(alice, "  ")).toMatchObject({ status: 400, body: { error: "Type something to search for." } });
    expect(await search(alice, "x".repeat(201))).toMatchObject({ status: 400, body: { error: "Search text is at most 200 characters." } });
  });

  it("in the sidebar: typing shows matching chats with their excerpt, and a result opens the chat", async () => {
    const browser: Browser = await launchBrowser();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
      const email = `search-ui-${randomBytes(4).toString("hex")}@example.test`;
      await new AuthPage(page).register(email, "correct horse battery");
      const create = await page.request.post(`${baseUrl()}/api/sessions`, { data: {}, headers: { origin: baseUrl() } });
      const id = ((await create.json()) as { session: { id: string } }).session.id;
      const sent = await page.request.post(`${baseUrl()}/api/chat`, {
        data: { trigger: "submit-message", chatSessionId: id, text: `My notes on the ${word} and its nest` },
        headers: { origin: baseUrl() },
      });
      await sent.body();
      await page.reload();
      await page.getByTestId("session-search").fill(word);
      await page.getByTestId("search-result").first().waitFor();
      expect(await page.getByTestId("search-result").count()).toBe(1);
      expect(await page.getByTestId("search-result").textContent()).toContain(`${word} and its nest`);
      mkdirSync("test-results/screens", { recursive: true });
      await page.screenshot({ path: "test-results/screens/search-desktop-light.png" });
      await page.getByTestId("search-result").click();
      await page.waitForURL(`${baseUrl()}/chat/${id}`);
      await page.getByTestId("session-search").fill("no chat says this");
      await page.getByText("No chat mentions").waitFor();
    } finally {
      await browser.close();
    }
  });
});

/** Edit a sent message and re-run it: the edit replaces it and what followed it; the old branch stays stored. */
describe("edit and re-run", () => {
  type Turn = { id: string; role: string; content: string; edit_of_id: string | null; prompt_tokens: number | null };
  const turnsOf = (chatSessionId: string) =>
    queryRows<Turn>("SELECT id::text, role::text, content, edit_of_id::text, prompt_tokens FROM turns WHERE chat_session_id = $1 ORDER BY position", [
      chatSessionId,
    ]);
  const shown = async (client: ApiClient, chatSessionId: string) =>
    ((await (await client.request(`/api/sessions/${chatSessionId}`)).json()) as { turns: { role: string; content: string }[] }).turns;

  it("answers the edited message with the conversation before it, hides the replaced branch and keeps it stored", async () => {
    const carol = await ApiClient.register("edit");
    const id = await carol.createSession();
    await carol.chat(id, "Why are there tides on the coast?");
    await carol.chat(id, "And why twice a day?");
    const [first, , second] = await turnsOf(id);

    expect((await carol.chat(id, "Why are there waves on the sea?", { editOf: second.id })).status).toBe(200);
    expect((await shown(carol, id)).map((t) => [t.role, t.content.slice(0, 12)])).toEqual([
      ["user", "Why are ther"],
      ["assistant", expect.any(String)],
      ["user", "Why are ther"],
      ["assistant", expect.any(String)],
    ]);
    expect((await shown(carol, id))[2].content).toBe("Why are there waves on the sea?");

    expect((await carol.chat(id, "What makes the sea salty?", { editOf: first.id })).status).toBe(200);
    expect((await shown(carol, id)).map((t) => t.content.slice(0, 25))).toEqual(["What makes the sea salty?", expect.any(String)]);
    const stored = await turnsOf(id);
    expect(stored).toHaveLength(8);
    expect(stored[6]).toMatchObject({ role: "user", edit_of_id: first.id });
    // The model saw the edited message alone, as in a new chat with that message.
    const fresh = await carol.createSession();
    await carol.chat(fresh, "What makes the sea salty?");
    expect(stored[7].prompt_tokens).toBe((await turnsOf(fresh))[1].prompt_tokens);
    expect(stored[7].prompt_tokens).toBeLessThan(stored[3].prompt_tokens!);
  });

  it("refuses to edit a message that is not on screen in this chat, and stores nothing", async () => {
    const dave = await ApiClient.register("edit-refused");
    const id = await dave.createSession();
    await dave.chat(id, "Name a river in Spain");
    const [question, answer] = await turnsOf(id);
    await dave.chat(id, "Name a river in France", { editOf: question.id });
    const other = await ApiClient.register("edit-other");
    const elsewhere = await other.createSession();
    await other.chat(elsewhere, "Name a lake in Italy");
    const [foreign] = await turnsOf(elsewhere);
    const before = await countRows();

    const refused = "The message you edited is no longer in this chat; reload the page to see the conversation.";
    for (const editOf of [question.id, answer.id, foreign.id]) {
      const { status, body } = await dave.chat(id, "Name a river in Italy", { editOf });
      expect([status, JSON.parse(body)]).toEqual([409, { code: "conflict:chat", error: refused }]);
    }
    const malformed = await dave.chat(id, "Name a river in Italy", { editOf: "the first one" });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toContain("editOf must be the UUID of a message in this chat");
    expect(await countRows()).toEqual(before);
  });

  it("in the chat: Edit opens the message in place, Esc cancels, Enter re-runs it, and a reload shows the same", async () => {
    const browser: Browser = await launchBrowser();
    try {
      for (const [size, viewport] of [
        ["phone", { width: 390, height: 844 }],
        ["desktop", { width: 1400, height: 900 }],
      ] as const) {
        const page = await (await browser.newContext({ viewport })).newPage();
        await new AuthPage(page).register(`edit-ui-${randomBytes(4).toString("hex")}@example.test`, "correct horse battery");
        const chat = new ChatPage(page);
        await chat.open();
        await chat.send("Why are there tides on the coast?");
        await chat.waitForLastAssistant("completed", 1);
        await chat.send("And why twice a day?");
        await chat.waitForLastAssistant("completed", 2);

        await page.getByTestId("edit-message").first().click();
        await page.getByTestId("edit-input").press("Escape");
        expect(await page.getByTestId("edit-form").count()).toBe(0);
        await page.getByTestId("edit-message").first().click();
        // Over the limit the edit says so, as the composer does, and cannot be sent.
        await page.getByTestId("edit-input").fill("x".repeat(16_001));
        expect(await page.getByTestId("edit-form").getByRole("alert").textContent()).toBe(
          "Your message is 16,001 characters; the limit is 16,000. Shorten it to send.",
        );
        expect(await page.getByTestId("edit-send").isDisabled()).toBe(true);
        mkdirSync("test-results/screens", { recursive: true });
        await page.screenshot({ path: `test-results/screens/edit-message-too-long-${size}-light.png` });
        await page.getByTestId("edit-input").fill("What makes the sea salty?");
        await page.screenshot({ path: `test-results/screens/edit-message-${size}-light.png` });
        await page.getByTestId("edit-input").press("Enter");
        await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-user"]').length === 1);
        await chat.waitForLastAssistant("completed", 1);
        const seen = async () => ({
          users: await page.getByTestId("message-user").allTextContents(),
          answers: await chat.assistantMessages().count(),
        });
        expect(await seen()).toEqual({ users: [expect.stringContaining("What makes the sea salty?")], answers: 1 });
        expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

        // The edited message can be edited again, and the re-run survives a reload.
        await page.getByTestId("edit-message").click();
        await page.getByTestId("edit-input").fill("What makes the Dead Sea so salty?");
        await page.getByTestId("edit-send").click();
        await page.waitForFunction(() => document.querySelector('[data-testid="message-user"]')?.textContent?.includes("Dead Sea"));
        await chat.waitForLastAssistant("completed", 1);
        await page.reload();
        await chat.waitForLastAssistant("completed", 1);
        expect(await seen()).toEqual({ users: [expect.stringContaining("What makes the Dead Sea so salty?")], answers: 1 });
      }
    } finally {
      await browser.close();
    }
  });
});
