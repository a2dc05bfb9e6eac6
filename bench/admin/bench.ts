/**
 * Admin dashboard benchmark: server-side render time of every admin page,
 * fetched as HTML from a production server signed in as the admin, against a
 * baseline measured in the same run (the static-shell /login page).
 *
 * Usage: npx tsx bench/admin/bench.ts --url postgresql://postgres@127.0.0.1:5432/sb_bench [--runs 5]
 *        [--base-url http://127.0.0.1:3000]   (reuse a running server instead of starting `next start`)
 * Needs `npx next build` first and a database filled by bench/synthetic/generate.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePort, waitForHttp } from "../../test/support/net";
import { SYNTHETIC_ADMIN } from "../synthetic/synthetic-data";

const { values } = parseArgs({ options: { url: { type: "string" }, runs: { type: "string", default: "5" }, "base-url": { type: "string" } } });
const RUNS = Number(values.runs);

async function startServer(databaseUrl: string): Promise<{ baseUrl: string; app: ChildProcess }> {
  const port = await freePort();
  const app = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, AUTH_SECRET: "bench-secret-0123456789abcdef0123", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/login`, app);
  return { baseUrl, app };
}

async function signIn(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(SYNTHETIC_ADMIN),
  });
  if (!response.ok) throw new Error(`admin sign-in failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function timePage(url: string, cookie: string | null): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  const html = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  if (cookie && !html.includes('data-testid="admin-nav"')) throw new Error(`${url} did not render the admin dashboard`);
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!values.url) throw new Error("--url (the synthetic database) is required");
  const db = new pg.Client({ connectionString: values.url });
  await db.connect();
  const scale = (
    await db.query<{ users: number; turns: number; decisions: number }>(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM turns WHERE role = 'assistant')::int AS turns, (SELECT count(*) FROM routing_decisions)::int AS decisions`,
    )
  ).rows[0];
  const { id: userId } = (await db.query<{ id: string }>(`SELECT id FROM users WHERE email = 'user2@synthetic.test'`)).rows[0];
  await db.end();

  const server = values["base-url"] ? { baseUrl: values["base-url"], app: null } : await startServer(values.url);
  try {
    const cookie = await signIn(server.baseUrl);
    const pages: [string, string, string | null][] = [
      ["baseline: /login", "/login", null],
      ["overview (30 days)", "/admin", cookie],
      ["users (sort: turns)", "/admin/users", cookie],
      ["users (sort: spend)", "/admin/users?sort=spend&dir=desc", cookie],
      ["users (search)", "/admin/users?q=user12", cookie],
      ["user detail", `/admin/users/${userId}`, cookie],
      ["models", "/admin/models", cookie],
      ["router", "/admin/router", cookie],
      ["decisions", "/admin/decisions", cookie],
      ["decisions (filtered)", "/admin/decisions?model=syn-large&override=no&from=2026-01-01", cookie],
      ["decisions (page 100)", "/admin/decisions?page=100", cookie],
    ];
    console.log(`database: ${scale.users} users, ${scale.turns} assistant turns, ${scale.decisions} decisions; ${RUNS} runs per page after one warm-up`);
    const results: { name: string; p50: number; max: number }[] = [];
    for (const [name, path, pageCookie] of pages) {
      await timePage(`${server.baseUrl}${path}`, pageCookie);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await timePage(`${server.baseUrl}${path}`, pageCookie));
      results.push({ name, p50: median(times), max: Math.max(...times) });
    }
    const baseline = results[0].p50;
    console.log(`${"page".padEnd(26)} ${"p50 ms".padStart(9)} ${"max ms".padStart(9)} ${"× baseline".padStart(11)}`);
    for (const r of results)
      console.log(`${r.name.padEnd(26)} ${r.p50.toFixed(0).padStart(9)} ${r.max.toFixed(0).padStart(9)} ${(r.p50 / baseline).toFixed(1).padStart(11)}`);
    const slow = results.slice(1).filter((r) => r.p50 >= 1000);
    console.log(slow.length === 0 ? "every admin page under 1 s (p50)" : `over 1 s: ${slow.map((r) => r.name).join(", ")}`);
  } finally {
    if (server.app?.pid) process.kill(-server.app.pid, "SIGTERM");
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
