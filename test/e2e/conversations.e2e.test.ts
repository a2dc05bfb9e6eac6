import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ApiClient } from "./support/api-client";
import { baseUrl, launchBrowser } from "./support/browser";

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
