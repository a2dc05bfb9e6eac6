#!/usr/bin/env -S node --conditions=react-server --import=tsx
/**
 * `npx switchboard <command>`: the one command line for running, routing with, training and administering
 * Switchboard. Runs through tsx with the react-server condition, like the server code it imports.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The app finds its migrations, models file and router model relative to the repository root.
process.chdir(fileURLToPath(new URL("..", import.meta.url)));
// The settings the app reads: .env as `next start` loads it (variables already set win), logs on stderr
// so that stdout carries only results, and no Next.js telemetry unless asked for. They are in place before
// any module of the app is loaded, since lib/env.ts reads them once.
if (existsSync(".env")) process.loadEnvFile(".env");
process.env.LOG_DESTINATION ??= "stderr";
process.env.LOG_LEVEL ??= "warn";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const { run } = await import("./run");
// Open database pools and the encoder's worker thread would keep the process alive.
process.exit(await run(process.argv));
