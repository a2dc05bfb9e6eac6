import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ChatPage } from "./pages/chat-page";
import { baseUrl, launchBrowser } from "./support/browser";
import { queryRows } from "./support/db";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const PASSWORD = "correct horse battery";
const newEmail = (who: string) => `${who}-${randomBytes(4).toString("hex")}@example.test`;

async function newUser(who: string): Promise<{ context: BrowserContext; page: Page; email: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[browser ${who}] ${err.stack ?? err.message}`));
  const email = newEmail(who);
  await new AuthPage(page).register(email, PASSWORD);
  return { context, page, email };
}

describe("chat in a real browser", () => {
  let aliceSession = "";
  let alice: Awaited<ReturnType<typeof newUser>>;

  afterEach(async ({ task }) => {
    if (task.result?.state === "fail" && alice) await alice.page.screenshot({ path: `test-results/${task.name.slice(0, 40).replace(/\W+/g, "-")}.png` });
  });

  it("register → chat → the reply streams in chunks → reload keeps history → logout → login sees it", async () => {
    alice = await newUser("alice");
    const chat = new ChatPage(alice.page);
    await chat.recordStreaming();
    await chat.send("Tell me about the tides [demo:slow]");
    aliceSession = await chat.sessionId();
    await chat.waitForLastAssistant("completed", 1);

    const lengths = await chat.streamedLengths();
    const final = (await chat.lastAssistant().getByTestId("message-content").textContent())!.length;
    expect(lengths.filter((l) => l < final).length).toBeGreaterThanOrEqual(2);
    const [decision] = await queryRows<{ chosen_model_id: string; display_name: string }>(
      `SELECT d.chosen_model_id, m.display_name FROM routing_decisions d JOIN turns t ON t.id = d.turn_id JOIN llm_models m ON m.id = d.chosen_model_id WHERE t.chat_session_id = $1`,
      [aliceSession],
    );
    expect(await chat.lastAssistant().getByTestId("model-badge").textContent()).toBe(decision.display_name);

    await alice.page.reload();
    await expect.poll(() => chat.assistantMessages().count()).toBe(1);
    expect(await alice.page.getByTestId("message-user").first().textContent()).toContain("Tell me about the tides");

    await chat.logout();
    await new AuthPage(alice.page).login(alice.email, PASSWORD);
    await expect.poll(() => chat.sessionLinks().count()).toBe(1);
    await chat.sessionLinks().first().click();
    await alice.page.waitForURL(`${baseUrl()}/chat/${aliceSession}`);
    await expect.poll(() => chat.assistantMessages().count()).toBe(1);
    expect(await chat.lastAssistant().getByTestId("message-content").textContent()).toContain("tides");
  });

  it("a wrong password shows a clear error", async () => {
    const context = await browser.newContext();
    const message = await new AuthPage(await context.newPage()).attemptLogin(alice.email, "not the password");
    expect(message).toBe("Wrong email or password.");
    await context.close();
  });

  it("another user gets 404 for that session's page and API", async () => {
    const bob = await newUser("bob");
    const page = await new ChatPage(bob.page).open(aliceSession);
    expect(page?.status()).toBe(404);
    const api = await bob.page.request.get(`${baseUrl()}/api/sessions/${aliceSession}`);
    expect(api.status()).toBe(404);
    const post = await bob.page.request.post(`${baseUrl()}/api/chat`, { data: { trigger: "submit-message", chatSessionId: aliceSession, text: "hi" } });
    expect(post.status()).toBe(404);
    await bob.context.close();
  });

  it("stop mid-stream keeps the partial answer marked stopped", async () => {
    const chat = new ChatPage(alice.page);
    await chat.open(aliceSession);
    await chat.pickModel("demo-concise");
    await chat.send("Write a long essay [demo:slow]");
    await chat.waitForStreamedText(2);
    await chat.stop();
    await chat.waitForLastAssistant("stopped");
    const partial = (await chat.lastAssistant().getByTestId("message-content").textContent())!;

    await alice.page.reload();
    await expect.poll(() => chat.assistantMessages().count()).toBe(2);
    await expect.poll(() => chat.lastAssistant().getAttribute("data-status")).toBe("stopped");
    expect(await chat.lastAssistant().getByTestId("message-status").textContent()).toBe("Stopped");
    const stored = (await chat.lastAssistant().getByTestId("message-content").textContent())!;
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThanOrEqual(partial.length + 40);
    expect(stored).not.toContain("one brief sentence.");
  });

  it("Esc stops an answer wherever the focus is, and the answer is marked stopped and can be rated at once", async () => {
    const chat = new ChatPage(alice.page);
    await chat.open(aliceSession);
    await chat.pickModel("demo-concise");
    const before = await chat.assistantMessages().count();
    await chat.send("Write another long essay [demo:slow]");
    await chat.waitForStreamedText(before + 1);
    await alice.page.getByTestId("message-list").click({ position: { x: 5, y: 5 } });
    await alice.page.keyboard.press("Escape");
    await chat.waitForLastAssistant("stopped");
    expect(await chat.lastAssistant().getByTestId("message-status").textContent()).toBe("Stopped");
    await chat.lastAssistant().getByTestId("rating-bar").waitFor();
    // The list scrolled down to the rating bar that appeared under the answer.
    const [bar, list] = await Promise.all([chat.lastAssistant().getByTestId("rating-bar").boundingBox(), alice.page.getByTestId("message-list").boundingBox()]);
    expect(bar!.y + bar!.height).toBeLessThanOrEqual(list!.y + list!.height + 0.5);
  });

  it("the composer has the focus, grows with a draft of several lines up to a limit, and shrinks back when emptied", async () => {
    const chat = new ChatPage(alice.page);
    await chat.open(aliceSession);
    const composer = alice.page.getByTestId("composer-input");
    // With a mouse and keyboard the chat opens ready to type.
    await expect.poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("composer-input");
    const height = async () => (await composer.boundingBox())!.height;
    const empty = await height();
    await composer.fill(["one", "two", "three", "four", "five", "six"].join("\n"));
    const six = await height();
    expect(six).toBeGreaterThan(empty * 2);
    await composer.fill(Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n"));
    expect(await height()).toBeLessThanOrEqual(192.5);
    await composer.fill("");
    expect(await height()).toBe(empty);
  });

  it("an unsent message stays with its chat when the user leaves it and comes back", async () => {
    const chat = new ChatPage(alice.page);
    await chat.open(aliceSession);
    await alice.page.getByTestId("composer-input").fill("a thought I have not sent yet");
    await alice.page.keyboard.press("Control+Shift+O");
    await alice.page.waitForURL(`${baseUrl()}/`);
    expect(await alice.page.getByTestId("composer-input").inputValue()).toBe("");
    await chat.open(aliceSession);
    await expect.poll(() => alice.page.getByTestId("composer-input").inputValue()).toBe("a thought I have not sent yet");
    await alice.page.getByTestId("composer-input").fill("");
  });

  it("a failing model marks the turn failed with the error shown, and the next turn still works", async () => {
    const chat = new ChatPage(alice.page);
    await chat.open(aliceSession);
    await chat.send("This will break [demo:fail]");
    await chat.waitForLastAssistant("failed", 4);
    expect(await chat.lastAssistant().getByTestId("message-error").textContent()).toContain("HTTP 500");

    await alice.page.reload();
    await expect.poll(() => chat.lastAssistant().getAttribute("data-status")).toBe("failed");
    expect(await chat.lastAssistant().getByTestId("message-error").textContent()).toContain("HTTP 500");

    await chat.send("Are you back?");
    await chat.waitForLastAssistant("completed", 5);
    expect(await chat.lastAssistant().getByTestId("message-content").textContent()).toContain("Are you back?");
  });

  it("another tab shows an answer still being written, and its text once it has ended, without a reload", async () => {
    const chat = new ChatPage(alice.page);
    await chat.open(aliceSession);
    await chat.pickModel("demo-concise");
    const before = await chat.assistantMessages().count();
    await chat.send("Tell me about rivers, slowly [demo:slow]");
    await chat.waitForStreamedText(before + 1);
    const other = await alice.page.context().newPage();
    try {
      const otherChat = new ChatPage(other);
      await otherChat.open(aliceSession);
      await otherChat.lastAssistant().getByTestId("message-elsewhere").waitFor();
      await chat.waitForLastAssistant("completed", before + 1);
      await expect.poll(() => otherChat.lastAssistant().getAttribute("data-status"), { timeout: 30_000 }).toBe("completed");
      expect(await otherChat.lastAssistant().getByTestId("message-content").textContent()).toBe(
        await chat.lastAssistant().getByTestId("message-content").textContent(),
      );
    } finally {
      await other.close();
    }
  });
});
