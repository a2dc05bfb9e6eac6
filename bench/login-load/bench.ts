/**
 * What password checks cost everyone else: a signed-in user's chat turn and
 * /api/health, timed alone and while anonymous clients run login loops with
 * wrong passwords (each from its own address, with the login limits raised so
 * every attempt reaches bcrypt). Prints medians and maxima and the ratio.
 *
 *   npx next build && npx tsx bench/login-load/bench.ts [--loops 6] [--seconds 10]
 */
import { parseArgs } from "node:util";
import { LoadClient } from "../../test/support/load-client";
import { PASSWORD, startStack } from "../../test/support/stack";

const { values } = parseArgs({ options: { loops: { type: "string", default: "6" }, seconds: { type: "string", default: "10" } } });
const LOOPS = Number(values.loops);
const SECONDS = Number(values.seconds);

const stack = await startStack({
  tag: "loginload",
  env: { RATE_LIMIT_LOGIN_PER_IP: "0", RATE_LIMIT_LOGIN_PER_ACCOUNT: "0", RATE_LIMIT_CHAT_PER_USER: "0", LOG_LEVEL: "warn" },
});
try {
  const user = new LoadClient(stack.baseUrl, `bench-${Date.now()}@example.test`, "10.5.0.1");
  await user.register(PASSWORD);
  const session = await user.createSession();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  async function probe(seconds: number) {
    const health: number[] = [];
    const turns: number[] = [];
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      let started = performance.now();
      await fetch(`${stack.baseUrl}/api/health`).then((r) => r.text());
      health.push(performance.now() - started);
      started = performance.now();
      const turn = await user.chat(session, "hello", { modelId: "demo-concise" });
      if (!turn.completed) throw new Error(`turn failed: ${turn.status} ${turn.error}`);
      turns.push(performance.now() - started);
    }
    return { health, turns };
  }

  await probe(2);
  const alone = await probe(SECONDS);
  let stop = false;
  let attempts = 0;
  const loops = Array.from({ length: LOOPS }, async (_, i) => {
    for (let n = 0; !stop; n++) {
      const attacker = new LoadClient(stack.baseUrl, "", `10.6.${i}.${n % 250}`);
      await attacker.request("/api/login", { method: "POST", json: { email: user.email, password: `guess-${n}` } });
      attempts++;
    }
  });
  const loaded = await probe(SECONDS);
  stop = true;
  await Promise.all(loops);

  const row = (name: string, a: number[], b: number[]) =>
    console.log(
      `${name.padEnd(10)} alone p50 ${median(a).toFixed(0)} ms max ${Math.max(...a).toFixed(0)} ms | with ${LOOPS} login loops p50 ${median(b).toFixed(0)} ms max ${Math.max(...b).toFixed(0)} ms | ratio p50 ${(median(b) / median(a)).toFixed(1)}`,
    );
  row("health", alone.health, loaded.health);
  row("chat turn", alone.turns, loaded.turns);
  console.log(`login attempts during load: ${attempts} (${(attempts / SECONDS).toFixed(0)}/s)`);
} finally {
  await stack.close();
}
