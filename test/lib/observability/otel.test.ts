import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { flushTracing, startTracing } from "@/lib/observability/otel";
import { withSpan } from "@/lib/observability/tracing";

type Received = { url: string; contentType: string | undefined; body: string };

const received: Received[] = [];
const collector = createServer((req: IncomingMessage, res) => {
  let body = "";
  req.on("data", (d: Buffer) => (body += d.toString("latin1")));
  req.on("end", () => {
    received.push({ url: req.url ?? "", contentType: req.headers["content-type"], body });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});

afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe("OpenTelemetry export", () => {
  it("sends spans to <endpoint>/v1/traces once tracing is started", async () => {
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    const { port } = collector.address() as AddressInfo;
    startTracing({ endpoint: `http://127.0.0.1:${port}/`, serviceName: "switchboard-test" });

    await withSpan("router.route_turn", { "switchboard.model": "demo-coder" }, async () => "routed");
    await expect(withSpan("llm.stream", {}, async () => Promise.reject(new Error("upstream down")))).rejects.toThrow("upstream down");
    await flushTracing();

    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => r.url === "/v1/traces")).toBe(true);
    const payload = received.map((r) => r.body).join("");
    for (const expected of ["router.route_turn", "llm.stream", "switchboard-test", "demo-coder", "upstream down"]) expect(payload).toContain(expected);
  });
});
