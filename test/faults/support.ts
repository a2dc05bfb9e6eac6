import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import pg from "pg";
import { type ChatResult, LoadClient } from "../support/load-client";
import { PASSWORD, type Stack } from "../support/stack";

export async function sql<T extends pg.QueryResultRow>(stack: Stack, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

let users = 0;
export async function newClient(stack: Stack, who = "fault"): Promise<LoadClient> {
  const client = new LoadClient(stack.baseUrl, `${who}-${users++}-${Date.now().toString(36)}@example.test`, `10.9.${users & 255}.1`);
  await client.register(PASSWORD);
  return client;
}

/** The machine's own cluster (version/name as installed), restarted the way an operator would. */
function cluster(): [string, string] {
  return [readdirSync("/etc/postgresql")[0], "main"];
}

function pgCtl(action: "restart" | "stop" | "start"): void {
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", ...cluster(), action], { stdio: "inherit" });
}

export const restartPostgres = () => pgCtl("restart");
export const stopPostgres = () => pgCtl("stop");

/** Starts the cluster if a failed run left it down; a no-op when it is up. */
export function ensurePostgresRunning(): void {
  try {
    execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", ...cluster(), "status"], { stdio: "ignore" });
  } catch {
    pgCtl("start");
  }
}

/** What every request the database cannot serve is answered with (lib/errors.ts). */
export const DATABASE_UNAVAILABLE = "The database is unavailable, try again in a few seconds.";

/** A 503 with Retry-After and the database message, in the app's JSON error format or OpenAI's. */
export function isDatabaseUnavailableAnswer(result: { status: number; error: string | null; retryAfter: string | null }): boolean {
  if (result.status !== 503 || !(Number(result.retryAfter) >= 1)) return false;
  try {
    const body = JSON.parse(result.error ?? "") as { error?: string | { message?: string } };
    return (typeof body.error === "string" ? body.error : body.error?.message) === DATABASE_UNAVAILABLE;
  } catch {
    return false;
  }
}

/** A failed response the user can understand: a JSON error message, or a stream that ends in an error part with text. */
export function isClearError(result: ChatResult): boolean {
  if (result.completed) return true;
  if (result.status === 0) return false;
  if (result.status !== 200) {
    try {
      return typeof (JSON.parse(result.error ?? "") as { error?: unknown }).error === "string";
    } catch {
      return false;
    }
  }
  return typeof result.error === "string" && result.error.length > 0;
}

/** Acknowledged turns (complete answers the client saw) that are not stored as completed. */
export async function lostTurns(stack: Stack, results: ChatResult[]): Promise<string[]> {
  const acked = results.filter((r) => r.completed && r.turnId).map((r) => r.turnId!);
  const stored = await sql<{ id: string }>(stack, `SELECT id FROM turns WHERE id = ANY($1::uuid[]) AND status = 'completed' AND content <> ''`, [acked]);
  const found = new Set(stored.map((r) => r.id));
  return acked.filter((id) => !found.has(id));
}

/** Acknowledged ratings (HTTP 200) whose stored stars differ. */
export async function lostRatings(stack: Stack, ratings: { turnId: string; stars: number; status: number }[]): Promise<string[]> {
  const acked = ratings.filter((r) => r.status === 200);
  const stored = await sql<{ turn_id: string; stars: number }>(stack, `SELECT turn_id, stars FROM ratings WHERE turn_id = ANY($1::uuid[])`, [
    acked.map((r) => r.turnId),
  ]);
  const stars = new Map(stored.map((r) => [r.turn_id, r.stars]));
  return acked.filter((r) => stars.get(r.turnId) !== r.stars).map((r) => r.turnId);
}
