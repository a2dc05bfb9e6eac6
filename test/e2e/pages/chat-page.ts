import type { Locator, Page } from "playwright-core";
import { baseUrl } from "../support/browser";

declare global {
  interface Window {
    __streamLengths?: number[];
  }
}

export class ChatPage {
  constructor(private readonly page: Page) {}

  async open(chatSessionId?: string) {
    return this.page.goto(`${baseUrl()}${chatSessionId ? `/chat/${chatSessionId}` : "/"}`);
  }

  /** The session id from the URL once the first message created the session. */
  async sessionId(): Promise<string> {
    await this.page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    return this.page.url().split("/").pop()!;
  }

  async send(text: string) {
    await this.page.getByTestId("composer-input").fill(text);
    await this.page.getByTestId("send").click();
  }

  assistantMessages(): Locator {
    return this.page.getByTestId("message-assistant");
  }

  lastAssistant(): Locator {
    return this.assistantMessages().last();
  }

  async waitForLastAssistant(status: "completed" | "stopped" | "failed", count?: number) {
    if (count !== undefined) await this.page.waitForFunction((n) => document.querySelectorAll('[data-testid="message-assistant"]').length >= n, count);
    await this.page.waitForFunction((s) => {
      const all = document.querySelectorAll('[data-testid="message-assistant"]');
      return all[all.length - 1]?.getAttribute("data-status") === s;
    }, status);
  }

  /** Waits until the page holds `count` answers and the newest has streamed more than a few words. */
  async waitForStreamedText(count: number) {
    await this.page.waitForFunction((n) => {
      const all = document.querySelectorAll('[data-testid="message-assistant"] [data-testid="message-content"]');
      return all.length === n && (all[all.length - 1]?.textContent?.length ?? 0) > 20;
    }, count);
  }

  /** Records the length of the newest answer's text at every DOM change, to observe streaming. */
  async recordStreaming() {
    await this.page.evaluate(() => {
      window.__streamLengths = [];
      const list = document.querySelector('[data-testid="message-list"]')!;
      new MutationObserver(() => {
        const all = document.querySelectorAll('[data-testid="message-assistant"] [data-testid="message-content"]');
        const len = all[all.length - 1]?.textContent?.length ?? 0;
        const lengths = window.__streamLengths!;
        if (len > 0 && lengths[lengths.length - 1] !== len) lengths.push(len);
      }).observe(list, { subtree: true, childList: true, characterData: true });
    });
  }

  streamedLengths(): Promise<number[]> {
    return this.page.evaluate(() => window.__streamLengths ?? []);
  }

  async pickModel(modelId: string) {
    await this.page.getByTestId("model-picker").selectOption(modelId);
  }

  async lastRoutedModel(): Promise<string> {
    return (await this.lastAssistant().getByTestId("model-badge").getAttribute("data-model-id")) ?? "";
  }

  async rateLast(stars: number) {
    await this.lastAssistant().getByTestId(`star-${stars}`).click();
    await this.page.waitForFunction((n) => {
      const all = document.querySelectorAll('[data-testid="message-assistant"]');
      return all[all.length - 1]?.querySelector(`[data-testid="star-${n}"]`)?.getAttribute("aria-checked") === "true";
    }, stars);
  }

  async openWhyPopover() {
    await this.lastAssistant().getByTestId("model-badge").click();
    // A portal: the popover is drawn above the page, not inside the message.
    return this.page.getByTestId("why-popover");
  }

  async stop() {
    await this.page.getByTestId("stop").click();
  }

  async logout() {
    await this.page.getByTestId("logout").click();
    await this.page.waitForURL(/\/login$/);
  }

  sessionLinks(): Locator {
    return this.page.getByTestId("session-link");
  }
}
