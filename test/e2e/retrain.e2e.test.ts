import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The seed helpers write through the app's Prisma client: point it at the e2e database.
vi.hoisted(() => {
  process.env.DATABASE_URL = process.env.E2E_DATABASE_URL;
  process.env.LOG_LEVEL = "silent";
});

import { seedPreferences } from "../lib/router/seed";
import { ApiClient } from "./support/api-client";
import { queryRows } from "./support/db";

const PASSWORD = "correct horse battery";

async function signInAgain(client: ApiClient): Promise<void> {
  const res = await client.request("/api/login", { method: "POST", json: { email: client.email, password: PASSWORD } });
  expect(res.status).toBe(200);
}

type Run = { id: string; status: string; progress: number; stage: string; log: string; error: string | null; routerVersionId: string | null };

let admin: ApiClient;
let member: ApiClient;
const versionPaths: string[] = [];

beforeAll(async () => {
  admin = await ApiClient.register("retrain-admin");
  member = await ApiClient.register("retrain-member");
  // Other files may have registered the first (admin) user already: promote ours and sign in again for a fresh session.
  await queryRows(`UPDATE users SET role = 'admin' WHERE email = $1`, [admin.email]);
  await queryRows(`UPDATE users SET role = 'user' WHERE email = $1`, [member.email]);
  await signInAgain(admin);
  await signInAgain(member);
  await seedPreferences({ users: 4, votesPerUser: 10 });
}, 60_000);

afterAll(() => {
  for (const p of versionPaths) rmSync(p, { recursive: true, force: true });
});

const ENDPOINTS: [string, string][] = [
  ["POST", "/api/admin/router/retrain"],
  ["GET", "/api/admin/router/runs/00000000-0000-0000-0000-000000000001"],
  ["GET", "/api/admin/router/versions"],
  ["POST", "/api/admin/router/versions/default/activate"],
];

describe("admin router API over HTTP", () => {
  it.each(ENDPOINTS)("%s %s is 403 for a non-admin and 401 signed out", async (method, path) => {
    const json = method === "POST" ? {} : undefined;
    expect((await member.request(path, { method, json })).status).toBe(403);
    expect((await ApiClient.anonymous().request(path, { method, json })).status).toBe(401);
  });

  it("404 for an unknown version", async () => {
    expect((await admin.request("/api/admin/router/versions/no-such-version/activate", { method: "POST", json: {} })).status).toBe(404);
  });

  it("retrains with progress, refuses a second run, then activates and rolls back while chats keep being served", async () => {
    const t0 = Date.now();
    const started = await admin.request("/api/admin/router/retrain", { method: "POST", json: { preset: "tiny", epochs: 10 } });
    expect(started.status).toBe(202);
    const { run } = (await started.json()) as { run: Run };

    const second = await admin.request("/api/admin/router/retrain", { method: "POST", json: { preset: "tiny" } });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: string }).error).toContain("already in progress");

    const seen: Run[] = [];
    let done: Run;
    for (;;) {
      const res = await admin.request(`/api/admin/router/runs/${run.id}`);
      expect(res.status).toBe(200);
      done = ((await res.json()) as { run: Run }).run;
      seen.push(done);
      if (done.status !== "running") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    console.info(`retrain over HTTP took ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(seen.some((r) => r.status === "running" && r.progress > 0 && r.progress < 1)).toBe(true);
    const versionId = done.routerVersionId!;
    const [version] = await queryRows<{ path: string; active: boolean }>(`SELECT path, active FROM router_versions WHERE id = $1`, [versionId]);
    versionPaths.push(version.path);
    expect(version.active).toBe(false);

    const sessions = await Promise.all([admin.createSession(), admin.createSession(), admin.createSession()]);
    let chatting = true;
    const statuses: number[] = [];
    const traffic = sessions.map(async (id, i) => {
      // Bounded and paced so the chat rate limit (60 per user per minute) never answers 429.
      for (let n = 0; chatting && n < 15; n++) {
        statuses.push((await admin.chat(id, `Question ${i}.${n}: how do tides work?`)).status);
        await new Promise((r) => setTimeout(r, 200));
      }
    });

    const activated = await admin.request(`/api/admin/router/versions/${versionId}/activate`, { method: "POST", json: {} });
    expect(activated.status).toBe(200);
    expect(await activated.json()).toMatchObject({ version: { id: versionId, active: true }, serving: { status: "ready", modelDir: version.path } });
    await new Promise((r) => setTimeout(r, 500));
    const rolledBack = await admin.request("/api/admin/router/versions/default/activate", { method: "POST", json: {} });
    expect(rolledBack.status).toBe(200);
    expect(await queryRows(`SELECT id FROM router_versions WHERE active`)).toEqual([]);
    // Keep the traffic going until several turns were answered around the swaps, however slow the machine.
    for (const deadline = Date.now() + 30_000; statuses.length < 6 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
    chatting = false;
    await Promise.all(traffic);

    expect(statuses.length).toBeGreaterThan(3);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const failed = await queryRows(`SELECT t.id FROM turns t WHERE t.chat_session_id = ANY($1::uuid[]) AND t.role = 'assistant' AND t.status <> 'completed'`, [
      sessions,
    ]);
    expect(failed).toEqual([]);
    const served = await queryRows<{ router_version: string }>(
      `SELECT DISTINCT d.router_version FROM routing_decisions d JOIN turns t ON t.id = d.turn_id WHERE t.chat_session_id = ANY($1::uuid[])`,
      [sessions],
    );
    expect(served.length).toBeGreaterThan(0);
  }, 180_000);
});
