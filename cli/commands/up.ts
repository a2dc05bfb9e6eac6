import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { note, positiveInteger } from "../options";

type UpOptions = { port?: number; build: boolean };

/** A fresh AUTH_SECRET in .env on the first run, so sessions survive restarts; .env readable by its owner only. */
function ensureDotEnv(): void {
  const existed = existsSync(".env");
  execFileSync("bash", ["scripts/write-env.sh"], { stdio: ["ignore", "inherit", "inherit"] });
  if (!existed) process.loadEnvFile(".env");
}

function step(n: number, what: string): void {
  note(`[${n}/4] ${what}`);
}

/** Starts `next <args>` from node_modules, in this terminal. */
function next(args: string[]): ChildProcess {
  return spawn(process.execPath, ["node_modules/next/dist/bin/next", ...args], { stdio: "inherit" });
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 120 && child.exitCode === null; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

export function registerUp(program: Command): void {
  program
    .command("up")
    .summary("prepare the database, build and start the app")
    .description(
      "prepare the database, build and start the app (and the demo LLM server when models.json points at it); `npm run up` installs everything first",
    )
    .option("--port <n>", "port to serve on (default: PORT, 3000)", positiveInteger)
    .option("--no-build", "serve the existing production build")
    .action(async (opts: UpOptions) => {
      ensureDotEnv();
      const { env } = await import("@/lib/env");
      const { applyMigrations, ensureDatabase } = await import("@/lib/db/migrate");
      const { seedModels } = await import("@/lib/db/queries/models");
      const { loadModelsFile } = await import("@/lib/llm/models-config");
      const { startDemoLlmServer } = await import("@/lib/llm/demo-server");
      const { prisma } = await import("@/lib/db/client");

      step(1, `database ${new URL(env.DATABASE_URL).pathname.slice(1)}: migrations and models`);
      await ensureDatabase(env.DATABASE_URL);
      const { applied, skipped } = await applyMigrations(env.DATABASE_URL);
      const file = loadModelsFile(env.MODELS_FILE);
      await seedModels({ models: file.models });
      await prisma.$disconnect();
      note(`      ${applied.length} migrations applied, ${skipped.length} already present; models: ${file.models.map((m) => m.id).join(", ")}`);

      step(2, opts.build ? "next build" : "next build skipped (--no-build)");
      if (opts.build) {
        const code = await exited(next(["build"]));
        if (code !== 0) throw new Error(`next build failed (exit code ${code})`);
      }

      step(3, "demo LLM server");
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the models file's own placeholder, matched literally.
      if (readFileSync(env.MODELS_FILE, "utf8").includes("${DEMO_LLM_URL}")) {
        const url = new URL(env.DEMO_LLM_URL);
        const demo = await startDemoLlmServer({ host: url.hostname, port: Number(url.port || 80) });
        note(`      on ${demo.url}`);
      } else note(`      not needed: ${env.MODELS_FILE} does not use \${DEMO_LLM_URL}`);

      const port = opts.port ?? env.PORT;
      step(4, `next start on port ${port}`);
      const server = next(["start", "-p", String(port)]);
      let stopping = false;
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
          stopping = true;
          server.kill(signal);
        });
      }
      if (await waitUntilServing(`http://127.0.0.1:${port}/api/health`, server)) console.log(`\nSwitchboard is running at http://localhost:${port}`);
      const code = await exited(server);
      if (code !== 0 && !stopping) throw new Error(`the server stopped (exit code ${code})`);
    });
}
