import type { Locator, Page, Route } from "playwright-core";
import { baseUrl } from "../support/browser";

/** The admin dashboard, page by page. */
export class AdminPage {
  constructor(private readonly page: Page) {}

  async open(path: "" | "/users" | "/models" | "/router" | "/decisions" | `/users/${string}` | `/decisions?${string}` | `/users?${string}`) {
    const response = await this.page.goto(`${baseUrl()}/admin${path}`);
    return response?.status();
  }

  statValue(testId: string): Promise<string | null> {
    return this.page.getByTestId(`${testId}-value`).textContent();
  }

  tableRows(testId: string): Locator {
    return this.page.getByTestId(`${testId}-row`);
  }

  byTestId(testId: string): Locator {
    return this.page.getByTestId(testId);
  }

  async searchUsers(text: string) {
    await this.page.getByTestId("users-search").fill(text);
    await this.page.getByTestId("users-search-submit").click();
    await this.page.waitForURL(/\/admin\/users\?q=/);
  }

  async openFirstUser() {
    await this.page.getByTestId("users-row-link").first().click();
    await this.page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
  }

  modelEntry(modelId: string): Locator {
    return this.page.locator(`[data-testid="model-entry"][data-model-id="${modelId}"]`);
  }

  async editDescription(modelId: string, description: string) {
    const entry = this.modelEntry(modelId);
    await entry.getByTestId("model-edit").click();
    await entry.getByTestId("model-form-description").fill(description);
    await entry.getByTestId("model-form-save").click();
    await entry.getByText(description).waitFor();
  }

  async toggleModel(modelId: string) {
    const entry = this.modelEntry(modelId);
    const before = await entry.getByTestId("model-enabled-state").textContent();
    await entry.getByTestId("model-toggle").click();
    await entry
      .getByTestId("model-enabled-state")
      .filter({ hasNotText: before ?? "" })
      .waitFor();
  }

  /** Clicks the toggle of a model the server will refuse to change; the message the row shows. */
  async toggleModelRefused(modelId: string) {
    const entry = this.modelEntry(modelId);
    await entry.getByTestId("model-toggle").click();
    return entry.getByTestId("model-toggle-error").textContent();
  }

  /**
   * Holds the page's next data refresh (`router.refresh()`, not a link's prefetch): the server renders it at once
   * (`rendered`), the browser gets it only on `land()`.
   */
  async holdNextRefresh() {
    let held = false;
    let rendered!: () => void;
    let letThrough!: () => void;
    let fulfilled!: () => void;
    const through = new Promise<void>((resolve) => (letThrough = resolve));
    const landed = new Promise<void>((resolve) => (fulfilled = resolve));
    const handler = async (route: Route) => {
      const headers = route.request().headers();
      if (held || headers.rsc !== "1" || "next-router-prefetch" in headers) return route.fallback();
      held = true;
      const response = await route.fetch();
      rendered();
      await through;
      await route.fulfill({ response });
      fulfilled();
    };
    await this.page.route("**/*", handler);
    return {
      rendered: new Promise<void>((resolve) => (rendered = resolve)),
      land: async () => {
        letThrough();
        await landed;
        await this.page.unroute("**/*", handler);
      },
    };
  }

  async filterDecisions({ user, override }: { user?: string; override?: "yes" | "no" }) {
    if (user !== undefined) await this.page.getByTestId("filter-user").fill(user);
    if (override !== undefined) await this.page.getByTestId("filter-override").selectOption(override);
    await this.page.getByTestId("filter-submit").click();
    await this.page.waitForURL(/\/admin\/decisions\?/);
  }
}
