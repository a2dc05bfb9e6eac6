/** Runs the local OpenAI-compatible demo server on the port of DEMO_LLM_URL (DEMO_LLM_PACING=off: unpaced, for capacity benchmarks). */
import { env } from "@/lib/env";
import { startDemoLlmServer } from "@/lib/llm/demo-server";

const url = new URL(env.DEMO_LLM_URL);
startDemoLlmServer({ host: url.hostname, port: Number(url.port || 80), paced: env.DEMO_LLM_PACING === "on" })
  .then((demo) => console.log(`demo LLM server on ${demo.url}`))
  .catch((err: unknown) => {
    console.error(`demo LLM server failed to start: ${(err as Error).message}`);
    process.exit(1);
  });
