import { readFileSync } from "node:fs";

/** The build's id for a server action, as Next.js's client would send it. */
export function actionId(file: string, name: string): string {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.filename === file && entry.exportedName === name);
  if (!found) throw new Error(`server action ${file}#${name} is not in the build's manifest`);
  return found[0];
}

/** The headers of a server action call with no arguments, as the browser sends them. */
export function actionHeaders(file: string, name: string): Record<string, string> {
  return { "next-action": actionId(file, name), "content-type": "text/plain;charset=UTF-8", origin: new URL(process.env.E2E_BASE_URL!).origin };
}
