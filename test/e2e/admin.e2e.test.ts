import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AdminPage } from "./pages/admin-page";
import { AuthPage } from "./pages/auth-page";
import { ApiClient } from "./support/api-client";
import { launchBrowser } from "./support/browser";
import { queryRows } from "./support/db";

const PASSWORD = "correct horse battery";

type AdminRoute = { kind: "page" | "api"; url: string; methods: string[]; file: string };

/** Fills dynamic segments with values that pass shape checks, so a route answers past its parsing. */
function fillSegment(segment: string): string {
  if (/^\[\.\.\..+\]$|^\[\[\.\.\..+\]\]$/.test(segment)) return "x";
  if (/^\[.+\]$/.test(segment)) return segment === "[id]" ? "00000000-0000-4000-8000-000000000000" : "x";
  return segment;
}

/** Every page and route handler under app/(admin), found on disk so a new admin route cannot be missed. */
function listAdminRoutes(): AdminRoute[] {
  const root = path.join("app", "(admin)");
  const routes: AdminRoute[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^(page|route)\.(tsx?|jsx?)$/.test(entry.name)) {
        const segments = path
          .relative(root, dir)
          .split(path.sep)
          .filter((s) => s && !/^\(.+\)$/.test(s) && !s.startsWith("@"));
        const url = `/${segments.map(fillSegment).join("/")}`;
        if (entry.name.startsWith("page")) routes.push({ kind: "page", url, methods: ["GET"], file: full });
        else {
          const methods = [
            ...readFileSync(full, "utf8").matchAll(
              /export\s+(?:async\s+)?function\s+(GET|POST|PUT|PATCH|DELETE)\b|export\s+const\s+(GET|POST|PUT|PATCH|DELETE)\b/g,
            ),
          ].map((m) => m[1] ?? m[2]);
          routes.push({ kind: "api", url, methods, file: full });
        }
      }
    }
  };
  walk(root);
  return routes;
}

async function signInAs(client: ApiClient) {
  const response = await client.request("/api/login", { method: "POST", json: { email: client.email, password: PASSWORD } });
  expect(response.status).toBe(200);
}

async function promoteToAdmin(client: ApiClient) {
  await queryRows(`UPDATE users SET role = 'admin' WHERE email = $1`, [client.email]);
  // The role is read into the JWT at sign-in, so sign in again to carry it.
  await signInAs(client);
}

describe("admin access control", () => {
  const routes = listAdminRoutes();
  let member: ApiClient;

  beforeAll(async () => {
    member = await ApiClient.register("member");
    await queryRows(`UPDATE users SET role = 'user' WHERE email = $1`, [member.email]);
    await signInAs(member);
  });

  it("finds the dashboard's pages and APIs on disk", () => {
    const urls = routes.map((r) => `${r.kind} ${r.url}`);
    for (const expected of [
      "page /admin",
      "page /admin/users",
      "page /admin/users/00000000-0000-4000-8000-000000000000",
      "page /admin/models",
      "page /admin/router",
      "page /admin/decisions",
      "api /api/admin/models",
      "api /api/admin/decisions/export",
      "api /api/admin/users",
    ]) {
      expect(urls).toContain(expected);
    }
    for (const r of routes) expect(r.methods.length, `${r.file} exports no HTTP method`).toBeGreaterThan(0);
  });

  it("answers a signed-in non-admin with 403 on every admin page and API method", async () => {
    const failures: string[] = [];
    for (const route of routes) {
      for (const method of route.methods) {
        const response = await member.request(route.url, { method, ...(method === "GET" || method === "DELETE" ? {} : { json: {} }) });
        if (response.status !== 403) failures.push(`${method} ${route.url} (${route.file}) -> ${response.status}`);
        await response.body?.cancel();
      }
    }
    expect(failures).toEqual([]);
  });

  it("sends anonymous visitors to the login page and refuses anonymous API calls with 401", async () => {
    const anonymous = ApiClient.anonymous();
    for (const route of routes) {
      for (const method of route.methods) {
        const response = await anonymous.request(route.url, { method, ...(method === "GET" || method === "DELETE" ? {} : { json: {} }) });
        if (route.kind === "page") {
          expect(response.status, route.url).toBeGreaterThanOrEqual(300);
          expect(response.status, route.url).toBeLessThan(400);
          expect(response.headers.get("location"), route.url).toContain("/login");
        } else expect(response.status, `${method} ${route.url}`).toBe(401);
        await response.body?.cancel();
      }
    }
  });
});

describe("admin dashboard with data", () => {
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    admin = await ApiClient.register("admin");
    await promoteToAdmin(admin);
    const chatSession = await admin.createSession();
    for (const text of ["first admin question", "second admin question"]) expect((await admin.chat(chatSession, text)).status).toBe(200);
    const [turn] = await queryRows<{ id: string; user_id: string }>(
      `SELECT t.id, t.user_id FROM turns t WHERE t.chat_session_id = $1 AND t.role = 'assistant' ORDER BY t.position LIMIT 1`,
      [chatSession],
    );
    await queryRows(`INSERT INTO ratings (id, turn_id, user_id, thumbs_up, stars, value, updated_at) VALUES ($1, $2, $3, true, 5, 1, now())`, [
      randomUUID(),
      turn.id,
      turn.user_id,
    ]);
    await queryRows(
      `INSERT INTO router_versions (id, path, manifest, metrics, active, activated_at) VALUES ($1, '/models/e2e', '{}', '{"auc": 0.77}', false, NULL) ON CONFLICT DO NOTHING`,
      [`e2e-admin-${randomUUID().slice(0, 8)}`],
    );
    browser = await launchBrowser();
    const context = await browser.newContext();
    page = await context.newPage();
    page.on("pageerror", (err) => console.error(`[browser admin] ${err.stack ?? err.message}`));
    await new AuthPage(page).login(admin.email, PASSWORD);
  });
  afterAll(() => browser?.close());
  afterEach(async ({ task }) => {
    if (task.result?.state === "fail" && page) await page.screenshot({ path: `test-results/admin-${task.name.slice(0, 40).replace(/\W+/g, "-")}.png` });
  });

  it("shows the overview with turns, spend, router and latency figures and charts", async () => {
    const admin_ = new AdminPage(page);
    expect(await admin_.open("")).toBe(200);
    const turns = Number((await admin_.statValue("stat-turns"))!.replace(/,/g, ""));
    const [{ n }] = await queryRows<{ n: number }>(
      `SELECT count(*)::int AS n FROM turns WHERE role = 'assistant' AND created_at >= now() - interval '30 days'`,
    );
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(turns).toBeLessThanOrEqual(n);
    expect(await admin_.statValue("stat-provider")).not.toBe("—");
    await admin_.byTestId("chart-turns-per-day").locator("svg").first().waitFor();
    expect(await admin_.tableRows("overview-models").count()).toBeGreaterThanOrEqual(1);
  });

  it("finds the admin in the users table and opens their routing timeline", async () => {
    const admin_ = new AdminPage(page);
    expect(await admin_.open("/users")).toBe(200);
    await admin_.searchUsers(admin.email);
    expect(await admin_.tableRows("users-table").count()).toBe(1);
    const [top] = await queryRows<{ model: string }>(
      `SELECT d.chosen_model_id AS model FROM routing_decisions d JOIN users u ON u.id = d.user_id WHERE u.email = $1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
      [admin.email],
    );
    expect(await admin_.tableRows("users-table").first().textContent()).toContain(top.model);
    await admin_.openFirstUser();
    expect(await admin_.byTestId("user-email").textContent()).toBe(admin.email);
    expect(await admin_.statValue("user-stat-turns")).toBe("2");
    expect(await admin_.statValue("user-stat-ratings")).toBe("1");
    expect(await admin_.tableRows("user-timeline").count()).toBe(2);
    expect(await admin_.tableRows("user-mix").count()).toBeGreaterThanOrEqual(1);
  });

  it("edits a model's description, enables it from the catalog, and says so when a toggle is refused", async () => {
    const id = `e2e-${randomUUID().slice(0, 8)}`;
    const created = await admin.request("/api/admin/models", {
      method: "POST",
      json: {
        id,
        displayName: "E2E model",
        baseUrl: "http://127.0.0.1:1/v1",
        providerModelId: "e2e",
        description: "first words",
        inputPricePerM: 1,
        outputPricePerM: 2,
        enabled: false,
      },
    });
    expect(created.status).toBe(201);
    expect((await admin.request("/api/admin/models", { method: "POST", json: { id, displayName: "again" } })).status).toBe(400);
    expect((await admin.request("/api/admin/models/no-such-model", { method: "PATCH", json: { enabled: false } })).status).toBe(404);
    const crossSite = await admin.request(`/api/admin/models/${id}`, {
      method: "PATCH",
      json: { enabled: true },
      headers: { origin: "https://elsewhere.example" },
    });
    expect(crossSite.status).toBe(403);

    const admin_ = new AdminPage(page);
    expect(await admin_.open("/models")).toBe(200);
    await admin_.editDescription(id, "better words for the router");
    await admin_.toggleModel(id);
    expect(await queryRows(`SELECT description, enabled FROM llm_models WHERE id = $1`, [id])).toEqual([
      { description: "better words for the router", enabled: true },
    ]);
    await admin_.toggleModel(id);
    expect(await queryRows(`SELECT enabled FROM llm_models WHERE id = $1`, [id])).toEqual([{ enabled: false }]);

    // The row goes away behind the page after its toggle's refresh was rendered, so the refresh, landing after the
    // refused change, still shows the row (with a description changed behind the page too, to see it land) and a
    // newer enabled state than the page had: the refusal stays on screen.
    expect(await admin_.open("/models")).toBe(200);
    await queryRows(`UPDATE llm_models SET description = 'as the refresh saw it' WHERE id = $1`, [id]);
    const refresh = await admin_.holdNextRefresh();
    await admin_.toggleModel(id);
    await refresh.rendered;
    await queryRows(`DELETE FROM llm_models WHERE id = $1`, [id]);
    expect(await admin_.toggleModelRefused(id)).toBe(`Could not disable E2E model: Model "${id}" not found.`);
    await refresh.land();
    await admin_.modelEntry(id).getByText("as the refresh saw it").waitFor();
    const refusal = admin_.modelEntry(id).getByTestId("model-toggle-error");
    expect(await refusal.isVisible()).toBe(true);
    expect(await refusal.textContent()).toBe(`Could not disable E2E model: Model "${id}" not found.`);
    expect(await admin_.modelEntry(id).getByTestId("model-enabled-state").textContent()).toBe("enabled");
    expect(await queryRows(`SELECT id FROM llm_models WHERE id = $1`, [id])).toEqual([]);
    expect(await admin_.tableRows("models-health").count()).toBeGreaterThanOrEqual(1);
  });

  it("shows router versions and the router-vs-fixed comparison", async () => {
    const admin_ = new AdminPage(page);
    expect(await admin_.open("/router")).toBe(200);
    expect(await admin_.byTestId("router-versions").textContent()).toContain("e2e-admin-");
    expect(await admin_.tableRows("router-vs-fixed").count()).toBeGreaterThanOrEqual(1);
    expect(await admin_.byTestId("router-retrain").isVisible()).toBe(true);
    expect(await admin_.byTestId("router-activate").count()).toBeGreaterThanOrEqual(1);
  });

  it("filters the decision log and exports it as CSV", async () => {
    const admin_ = new AdminPage(page);
    expect(await admin_.open("/decisions")).toBe(200);
    await admin_.filterDecisions({ user: admin.email, override: "no" });
    expect(await admin_.tableRows("decisions-table").count()).toBe(2);
    const href = await admin_.byTestId("decisions-export").getAttribute("href");
    const csv = await admin.request(href!);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toMatch(/^id,created_at,user_id,user_email,chosen_model_id/);
    expect(lines.slice(1).every((l) => l.includes(admin.email))).toBe(true);
    expect(lines).toHaveLength(3);
  });
});
