import { z } from "zod";
import { text } from "@/lib/validation/text";

/**
 * What a model's wiring may name, whoever sets it (models.json or an admin):
 * the key variable must look like an API key's (`*_API_KEY`) and never one of
 * the app's own secrets, because its value is sent as the Bearer token to the
 * model's base URL; the base URL must be http(s). Hosts are not restricted:
 * a model on localhost or the LAN (Ollama, vLLM) is the common self-hosted case.
 */
export const API_KEY_ENV_PATTERN = /^[A-Z][A-Z0-9_]*_API_KEY$/;
const RESERVED_PREFIXES = ["AUTH_", "DATABASE_"];

export function isAllowedApiKeyEnv(name: string): boolean {
  return API_KEY_ENV_PATTERN.test(name) && !RESERVED_PREFIXES.some((p) => name.startsWith(p));
}

export const apiKeyEnvSchema = text()
  .trim()
  .max(120)
  .refine(isAllowedApiKeyEnv, "apiKeyEnv must name a variable ending in _API_KEY (e.g. OPENAI_API_KEY), not one starting with AUTH_ or DATABASE_.");

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === "";
  } catch {
    return false;
  }
}

export const baseUrlSchema = z.string().trim().max(500).refine(isHttpUrl, "baseUrl must be an http:// or https:// URL without credentials.");
