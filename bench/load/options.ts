import { existsSync } from "node:fs";

/** `--name <n>`: a positive number up to `max` (whole with `integer`), else `fallback`; anything else stops the run. */
export function numberArg(name: string, fallback: number, max: number, { integer = false } = {}): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (integer && !Number.isInteger(value)) throw new Error(`--${name} must be a whole number in [1, ${max}], got ${process.argv[i + 1]}`);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`--${name} must be a number in (0, ${max}], got ${process.argv[i + 1]}`);
  return value;
}

/** `--profile <dir>`: where the app processes write CPU profiles, or null. */
export const PROFILE_DIR = process.argv.includes("--profile") ? process.argv[process.argv.indexOf("--profile") + 1] : null;

/** The shipped router model, or the test fixture (a real ONNX router of the same contract) where none is shipped yet. */
const ROUTER_MODEL_DIR = existsSync("router-core/models/default/manifest.json") ? "router-core/models/default" : "test/fixtures/tiny-model";

/** The app under load: limits stay on (their upsert is part of every turn's cost) but high enough not to bind. */
export const LOAD_APP_ENV = {
  ROUTER_MODEL_DIR,
  RATE_LIMIT_CHAT_PER_USER: "1000000",
  RATE_LIMIT_CHAT_PER_IP: "1000000",
  RATE_LIMIT_REGISTER_PER_IP: "1000000",
  // The same model mix in every run: no turn explores.
  ROUTER_EXPLORE_SHARE: "0",
};
