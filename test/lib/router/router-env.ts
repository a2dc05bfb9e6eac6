/**
 * The environment the app's router runtime reads, for tests that load it in-process: the tiny fixture model on
 * the CPU, quiet logs, plus `extra`. Set inside vi.hoisted, before the runtime's modules read it; returns the
 * router versions folder of its own the test asked for by name.
 */
export function routerTestEnv(extra: Record<string, string> = {}, versionsFolder?: string): string {
  const dir = versionsFolder ? `${process.env.TMPDIR ?? "/tmp"}/${versionsFolder}-${process.pid}` : "";
  if (dir) process.env.ROUTER_VERSIONS_DIR = dir;
  Object.assign(process.env, { ROUTER_MODEL_DIR: "test/fixtures/tiny-model", ROUTER_DEVICE: "cpu", LOG_LEVEL: "silent" }, extra);
  return dir;
}
