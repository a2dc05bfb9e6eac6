import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { createTestDatabase, type TestDatabase } from "./database";
import { freePort, waitForHttp } from "./net";

/**
 * The real app on loopback for load and fault runs: a fresh migrated database,
 * the demo LLM server in its own process, and `next start` (needs a production
 * build) with everything it prints captured to a log file.
 */
export type Stack = {
  baseUrl: string;
  /** Every app instance's URL (the first is baseUrl); instances share the database and the LLM, as behind a load balancer. */
  baseUrls: string[];
  /** Process groups (each spawned detached, so its group id is its pid): the app instances and the demo LLM server. */
  processGroups: () => { apps: number[]; llm: number[] };
  db: TestDatabase;
  demoUrl: string;
  logFile: string;
  /** What the app printed so far. */
  logs: () => string;
  /** Kills the demo LLM server at once (SIGKILL), as a crash would. */
  killDemo: () => void;
  startDemo: () => Promise<void>;
  close: () => Promise<void>;
};

export const PASSWORD = "load-test password 0123";
export const AUTH_SECRET = "load-secret-0123456789abcdef0123456789";

const TSX = "node_modules/.bin/tsx";

/** Signals a child spawned `detached` and everything it spawned (its process group). */
export function killGroup(child: ChildProcess | null, signal: NodeJS.Signals) {
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * The demo LLM server (scripts/demo-llm.ts on env.DEMO_LLM_URL) in a process group of its own,
 * once it answers: tsx runs it in a child Node process, which killGroup stops too.
 */
export async function spawnDemoLlm(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const demo = spawn(TSX, ["scripts/demo-llm.ts"], { env, stdio: "ignore", detached: true });
  await waitForHttp(`${env.DEMO_LLM_URL}/models`, demo);
  return demo;
}

/**
 * @param nodeArgs extra flags for the app's Node processes, e.g. ["--cpu-prof", "--cpu-prof-dir=bench/.profiles"]
 *   (a profile is written when an app exits at close()).
 * @param instances how many `next start` processes to run (a Node process serves on one core).
 */
export async function startStack({
  env: overrides = {},
  tag = "load",
  nodeArgs = [],
  instances = 1,
}: {
  env?: Record<string, string>;
  tag?: string;
  nodeArgs?: string[];
  instances?: number;
} = {}): Promise<Stack> {
  if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npx next build` first.");
  const db = await createTestDatabase(`sb_${tag}`);
  const demoPort = await freePort();
  const demoUrl = `http://127.0.0.1:${demoPort}/v1`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: db.url,
    AUTH_SECRET,
    DEMO_LLM_URL: demoUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    // The load client stands in for a proxy on loopback, naming each simulated client in X-Forwarded-For.
    TRUSTED_PROXIES: "loopback",
    // A turn that explores a rarely rated model is a coin flip; tests and benches that count on where a turn goes must not flip it.
    ROUTER_EXPLORE_SHARE: "0",
    ...overrides,
  };

  let demo: ChildProcess | null = null;
  const startDemo = async () => {
    demo = await spawnDemoLlm(env);
  };
  await startDemo();

  for (const command of [
    ["db", "migrate"],
    ["models", "sync"],
  ]) {
    const seeded = spawnSync("npx", ["switchboard", ...command], { env, encoding: "utf8" });
    if (seeded.status !== 0) throw new Error(`switchboard ${command.join(" ")} failed: ${seeded.stderr}`);
  }

  const logFile = `/tmp/switchboard-${tag}-${demoPort}.log`;
  const log = createWriteStream(logFile);
  const apps: ChildProcess[] = [];
  const baseUrls: string[] = [];
  for (let i = 0; i < instances; i++) {
    const port = await freePort();
    const app = spawn(process.execPath, [...nodeArgs, "node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    app.stdout!.pipe(log, { end: false });
    app.stderr!.pipe(log, { end: false });
    apps.push(app);
    baseUrls.push(`http://127.0.0.1:${port}`);
    await waitForHttp(`${baseUrls[i]}/api/health`, app);
  }

  return {
    baseUrl: baseUrls[0],
    baseUrls,
    processGroups: () => ({ apps: apps.map((app) => app.pid!), llm: demo?.pid ? [demo.pid] : [] }),
    db,
    demoUrl,
    logFile,
    logs: () => readFileSync(logFile, "utf8"),
    killDemo: () => killGroup(demo, "SIGKILL"),
    startDemo,
    close: async () => {
      for (const app of apps) killGroup(app, "SIGTERM");
      killGroup(demo, "SIGTERM");
      await Promise.race([
        Promise.all(apps.map((app) => new Promise((r) => (app.exitCode !== null ? r(null) : app.once("exit", r))))),
        new Promise((r) => setTimeout(r, 5_000)),
      ]);
      for (const app of apps) killGroup(app, "SIGKILL");
      log.end();
      await db.drop();
    },
  };
}
