import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Everything a client can call over HTTP: route handlers and server actions, found from the source tree. */
export type RouteHandler = { file: string; pattern: string; methods: string[]; bodyMethods: string[] };
export type ServerAction = { file: string; name: string };

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : walk(path);
    return [path];
  });
}

/** The URL pattern of an app/**\/route.ts: route groups `(x)` and private folders vanish, dynamic segments stay as written. */
function urlPattern(file: string, appDir: string): string {
  const segments = relative(appDir, file).split(/[\\/]/).slice(0, -1);
  return `/${segments.filter((s) => !(s.startsWith("(") && s.endsWith(")"))).join("/")}`;
}

/** The HTTP methods a route file exports, in any of the ways Next.js accepts. */
export function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b/g)) found.add(m[1]);
  for (const m of source.matchAll(/export\s+const\s+([A-Z]+)\s*=/g)) found.add(m[1]);
  for (const m of source.matchAll(/export\s+(?:const|let)\s*\{([^}]*)\}\s*=/g)) for (const name of m[1].split(",")) found.add(name.split(":").at(-1)!.trim());
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g))
    for (const name of m[1].split(","))
      found.add(
        name
          .split(/\s+as\s+/)
          .at(-1)!
          .trim(),
      );
  return HTTP_METHODS.filter((method) => found.has(method));
}

/** The source of each method defined in the file itself (`export async function POST ...` up to the next export). */
export function methodSources(source: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const block of source.split(/(?=^export\s)/m)) {
    const m = /^export\s+(?:async\s+)?function\s+([A-Z]+)\b/.exec(block);
    if (m) own.set(m[1], block);
  }
  return own;
}

/** Methods whose handler reads the request body; handlers defined elsewhere (re-exports) count as reading it. */
export function bodyReadingMethods(source: string): string[] {
  const own = methodSources(source);
  return exportedMethods(source).filter((method) => {
    const block = own.get(method);
    return block === undefined || /parseJsonBody\(|request\.(json|text|formData|arrayBuffer|blob)\(/.test(block);
  });
}

export function listRouteHandlers(appDir = "app"): RouteHandler[] {
  return walk(appDir)
    .filter((f) => /[\\/]route\.(ts|tsx|js)$/.test(f))
    .map((file) => {
      const source = readFileSync(file, "utf8");
      return { file, pattern: urlPattern(file, appDir), methods: exportedMethods(source), bodyMethods: bodyReadingMethods(source) };
    })
    .sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/**
 * Server actions: exported functions of files that start with "use server".
 * A "use server" anywhere else (an inline action) is reported as `<inline>`,
 * so it cannot slip past a test that covers every action.
 */
export function listServerActions(roots = ["app", "lib", "components"]): ServerAction[] {
  const actions: ServerAction[] = [];
  for (const file of roots.flatMap(walk).filter((f) => /\.(ts|tsx|js|jsx)$/.test(f))) {
    const source = readFileSync(file, "utf8");
    if (!/["']use server["']/.test(source)) continue;
    if (/^\s*(\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*["']use server["']/.test(source)) {
      for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+(\w+)|export\s+const\s+(\w+)\s*=/g)) actions.push({ file, name: m[1] ?? m[2] });
    } else {
      actions.push({ file, name: "<inline>" });
    }
  }
  return actions.sort((a, b) => `${a.file}#${a.name}`.localeCompare(`${b.file}#${b.name}`));
}

/** The key a test table uses for one endpoint. */
export const routeKey = (method: string, pattern: string) => `${method} ${pattern}`;
export const actionKey = (action: ServerAction) => `action ${action.file.replace(/\\/g, "/")}#${action.name}`;
