import { execFileSync } from "node:child_process";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadClient } from "../support/load-client";
import { PASSWORD, type Stack, startStack } from "../support/stack";

/**
 * Oversized bodies are refused while they stream in, not after they were
 * buffered: the app's memory during 10 concurrent 100 MB uploads stays within
 * 100 MB of its idle size (buffered, they would be 1,000 MB). Measured as the
 * resident set of the app's whole process group (read with ps), sampled every
 * 25 ms. The app still reads each refused body up to lib/http.ts's 4 MB drain,
 * so its client reads the 413, and those bytes are garbage until collected:
 * +60-80 MB for the first ten on Node 24 (six runs, 2026-12-06), +27 MB on
 * Node 20, whose collector ran sooner.
 */
const BODY_BYTES = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, "x");
const BUDGET_MB = 100;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ tag: "bodies" });
});
afterAll(() => stack?.close());

function appRssMb(): number {
  const [pgid] = stack.processGroups().apps;
  const out = execFileSync("ps", ["-o", "rss=", "-g", String(pgid)], { encoding: "utf8" });
  return (
    out
      .split("\n")
      .filter(Boolean)
      .reduce((sum, kb) => sum + Number(kb), 0) / 1024
  );
}

/** Streams up to 100 MB of a JSON string at the endpoint, with or without a Content-Length, until the server answers. */
function upload(path: string, declared: boolean): Promise<number> {
  const url = new URL(path, stack.baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(declared ? { "content-length": String(BODY_BYTES + 2) } : {}) },
    });
    let sent = 0;
    let answered = false;
    // The status is all this reads: destroying the upload can cut off the answer's body, so waiting for its
    // 'end' would hang whenever the body comes in a later packet than the headers.
    request.on("response", (response) => {
      answered = true;
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    request.on("error", (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && sent < BODY_BYTES) {
        sent += CHUNK.length;
        if (!request.write(sent === CHUNK.length ? Buffer.concat([Buffer.from('"'), CHUNK]) : CHUNK)) return void request.once("drain", pump);
      }
      if (!answered) request.end('"');
    };
    pump();
  });
}

async function measure(label: string, declared: boolean, path: string) {
  const idle = appRssMb();
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, appRssMb())), 25);
  const started = performance.now();
  const statuses = await Promise.all(Array.from({ length: 10 }, () => upload(path, declared)));
  clearInterval(sampler);
  peak = Math.max(peak, appRssMb());
  console.log(
    `${label}: idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (+${(peak - idle).toFixed(1)} MB) during 10 × 100 MB to ${path}, all answered in ${(performance.now() - started).toFixed(0)} ms: ${[...new Set(statuses)].join(",")}`,
  );
  return { idle, peak, statuses };
}

describe("oversized request bodies", () => {
  beforeAll(async () => {
    // Warm the routes (and the allocator) first, so idle means serving, not freshly started.
    const client = new LoadClient(stack.baseUrl, `bodies-${Date.now()}@example.test`, "10.7.0.1");
    await client.register(PASSWORD);
    for (let i = 0; i < 5; i++) await client.request("/api/login", { method: "POST", json: { email: client.email, password: PASSWORD } });
  });

  for (const [label, declared, path] of [
    ["undeclared (chunked) bodies", false, "/api/login"],
    ["declared bodies", true, "/api/register"],
    ["undeclared bodies to next-auth", false, "/api/auth/callback/credentials"],
  ] as const) {
    it(`${label}: 413 for all ten, app memory within ${BUDGET_MB} MB of idle`, async () => {
      const { idle, peak, statuses } = await measure(label, declared, path);
      expect(statuses).toEqual(Array(10).fill(413));
      expect(peak - idle).toBeLessThan(BUDGET_MB);
      expect((await fetch(`${stack.baseUrl}/api/health`)).status).toBe(200);
    });
  }
});
