import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ChatPage } from "./pages/chat-page";
import { baseUrl, launchBrowser } from "./support/browser";
import { queryRows } from "./support/db";
import { fullyInViewport, seriousA11yViolations, sidewaysOverflow, sidewaysScrollingTables, VIEWPORTS } from "./support/page-checks";

/**
 * Every screen at phone (390x844) and desktop (1400x900) size, in light and
 * dark themes: nothing scrolls sideways (on phones, not even inside an admin
 * table), the composer is fully visible, the
 * controls are reachable by keyboard, and axe-core finds no serious or
 * critical violation. Screenshots land in test-results/screens/ to look at.
 */
const SCREENS = "test-results/screens";
const PASSWORD = "correct horse battery";

let browser: Browser;
let email = "";
let chatId = "";

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  browser = await launchBrowser();
  // One admin with a chat (a rated answer, a regenerated one, a code block) and a voted comparison, to fill every screen.
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  email = `screens-${randomBytes(4).toString("hex")}@example.test`;
  await new AuthPage(page).register(email, PASSWORD);
  await queryRows(`UPDATE users SET role = 'admin' WHERE email = $1`, [email]);
  const chat = new ChatPage(page);
  await chat.send("How do I reverse a list in Python? Show code.");
  chatId = await chat.sessionId();
  await chat.waitForLastAssistant("completed", 1);
  await chat.rateLast(4);
  await chat.send("And how do I sort it by length, with a short example?");
  await chat.waitForLastAssistant("completed", 2);
  await page.getByTestId("regenerate").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="answer-position"]')?.textContent === "2/2");
  await chat.waitForLastAssistant("completed", 2);
  await page.getByTestId("compare-toggle").check();
  await chat.send("Which is faster, a list or a tuple?");
  await page.getByTestId("vote-a").and(page.locator(":enabled")).waitFor({ timeout: 20_000 });
  await page.getByTestId("vote-a").click();
  await page.getByTestId("compare-result").waitFor();
  await context.close();
}, 180_000);
afterAll(() => browser?.close());

type Theme = "light" | "dark";

async function open(viewport: (typeof VIEWPORTS)[keyof typeof VIEWPORTS], theme: Theme): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, colorScheme: theme });
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[browser screens] ${err.stack ?? err.message}`));
  await new AuthPage(page).login(email, PASSWORD);
  return { context, page };
}

/** `current`: the navigation link that marks the page as the one the user is on. */
const screens: { name: string; path: () => string; ready: string; composer?: boolean; current?: string }[] = [
  { name: "chat", path: () => `/chat/${chatId}`, ready: "message-assistant", composer: true },
  { name: "new-chat", path: () => "/", ready: "composer-input", composer: true },
  { name: "my-routing", path: () => "/my-routing", ready: "my-routing", current: "my-routing-link" },
  { name: "settings", path: () => "/settings", ready: "api-keys", current: "settings-link" },
  { name: "privacy", path: () => "/privacy", ready: "privacy-download", current: "privacy-link" },
  { name: "admin", path: () => "/admin", ready: "chart-turns-per-day", current: "admin-nav-overview" },
  { name: "admin-router", path: () => "/admin/router", ready: "section-router-versions", current: "admin-nav-router" },
  { name: "admin-users", path: () => "/admin/users", ready: "admin-nav", current: "admin-nav-users" },
  { name: "admin-models", path: () => "/admin/models", ready: "admin-nav", current: "admin-nav-models" },
  { name: "admin-decisions", path: () => "/admin/decisions", ready: "decision-filters", current: "admin-nav-decisions" },
];

describe.each([
  ["phone", VIEWPORTS.phone],
  ["desktop", VIEWPORTS.desktop],
] as const)("at %s size", (size, viewport) => {
  it.each(["light", "dark"] as const)("every screen fits, keeps the composer in view and passes axe-core (%s theme)", async (theme) => {
    const { context, page } = await open(viewport, theme);
    try {
      const problems: string[] = [];
      for (const screen of screens) {
        await page.goto(`${baseUrl()}${screen.path()}`);
        await page.getByTestId(screen.ready).first().waitFor({ state: "attached" });
        // Charts and fonts settle.
        await page.waitForTimeout(300);
        expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(theme === "dark");
        const overflow = await sidewaysOverflow(page);
        if (overflow > 0) problems.push(`${screen.name}: scrolls sideways by ${overflow}px`);
        // On phones a table's rows are cards: none may hide columns behind a sideways scroll of its own.
        if (size === "phone") for (const t of await sidewaysScrollingTables(page)) problems.push(`${screen.name}: ${t} scrolls sideways`);
        if (screen.composer) {
          for (const id of ["composer-input", "send", "model-picker"])
            if (!(await fullyInViewport(page, id))) problems.push(`${screen.name}: ${id} not fully visible`);
          const box = await page.getByTestId("composer-input").boundingBox();
          if (size === "phone" && box && box.width < viewport.width * 0.8) problems.push(`${screen.name}: composer only ${box.width}px wide`);
        }
        // On a phone the sidebar's links are in the closed drawer, not on the page.
        const current = screen.current ? page.getByTestId(screen.current) : null;
        if (current && (await current.count()) > 0 && (await current.getAttribute("aria-current")) !== "page")
          problems.push(`${screen.name}: ${screen.current} does not mark the page`);
        for (const v of await seriousA11yViolations(page)) problems.push(`${screen.name}: axe ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(", ")}`);
        await page.screenshot({ path: `${SCREENS}/${screen.name}-${size}-${theme}.png` });
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe.each([
  ["phone", VIEWPORTS.phone],
  ["desktop", VIEWPORTS.desktop],
] as const)("compare mode and the popover at %s size", (size, viewport) => {
  it("the two answers, the vote and the why-this-model popover fit the screen", async () => {
    const { context, page } = await open(viewport, "light");
    try {
      const chat = new ChatPage(page);
      await page.getByTestId("compare-toggle").check();
      await chat.send("Should I learn Rust or Go first?");
      await page.getByTestId("vote-a").and(page.locator(":enabled")).waitFor({ timeout: 20_000 });
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      await page.getByTestId("compare-view").screenshot({ path: `${SCREENS}/compare-${size}-light.png` });
      await page.getByTestId("vote-tie").click();
      await page.getByTestId("compare-result").waitFor();
      await page.getByTestId("compare-view").screenshot({ path: `${SCREENS}/compare-voted-${size}-light.png` });

      await page.goto(`${baseUrl()}/chat/${chatId}`);
      await chat.openWhyPopover();
      await page.getByTestId("why-popover").waitFor();
      expect(await fullyInViewport(page, "why-popover")).toBe(true);
      await page.screenshot({ path: `${SCREENS}/popover-${size}-light.png` });
    } finally {
      await context.close();
    }
  });
});

describe("phone layout", () => {
  it("the sidebar is a drawer: opened from the menu button, it lists the chats and closes with Escape", async () => {
    const { context, page } = await open(VIEWPORTS.phone, "light");
    try {
      await page.goto(`${baseUrl()}/chat/${chatId}`);
      expect(await page.getByTestId("sidebar").isVisible()).toBe(false);
      await page.getByTestId("open-sidebar").click();
      const drawer = page.getByTestId("sidebar-drawer");
      await drawer.waitFor();
      expect(await drawer.getByTestId("session-link").count()).toBeGreaterThanOrEqual(1);
      // Rename and delete are visible without hovering.
      expect(await drawer.getByTestId("session-rename").first().isVisible()).toBe(true);
      await page.screenshot({ path: `${SCREENS}/drawer-phone-light.png` });
      await page.keyboard.press("Escape");
      await drawer.waitFor({ state: "detached" });
    } finally {
      await context.close();
    }
  });

  it("the composer, model picker and Send are reachable with Tab alone", async () => {
    const { context, page } = await open(VIEWPORTS.phone, "light");
    try {
      await page.goto(`${baseUrl()}/chat/${chatId}`);
      await page.getByTestId("composer-input").waitFor();
      await page.getByTestId("composer-input").fill("typed with a keyboard");
      const reached = new Set<string>();
      await page.locator("body").focus();
      for (let i = 0; i < 120 && !["composer-input", "model-picker", "send", "open-sidebar"].every((id) => reached.has(id)); i++) {
        await page.keyboard.press("Tab");
        const id = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? "");
        if (id) reached.add(id);
      }
      expect([...reached]).toEqual(expect.arrayContaining(["open-sidebar", "composer-input", "model-picker", "send", "thumb-up", "copy-answer"]));
    } finally {
      await context.close();
    }
  });

  it("the theme toggle switches between system, light and dark", async () => {
    const { context, page } = await open(VIEWPORTS.desktop, "light");
    try {
      await page.goto(`${baseUrl()}/`);
      const toggle = page.getByTestId("theme-toggle");
      await expect.poll(() => toggle.getAttribute("data-theme-choice")).toBe("system");
      await toggle.click();
      await expect.poll(() => toggle.getAttribute("data-theme-choice")).toBe("light");
      await toggle.click();
      await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
      await page.reload();
      await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
    } finally {
      await context.close();
    }
  });
});
