# syntax=docker/dockerfile:1.7
#
# Switchboard production image: multi-stage, runs as an unprivileged user and serves
# the Next.js standalone output (.next/standalone/server.js). See docs/deployment.md.
#
#   docker build -t switchboard .                          ONNX Runtime on CPU (default)
#   docker build -t switchboard:cuda \
#     --build-arg ONNXRUNTIME_NODE_INSTALL=cuda12 \
#     --build-arg RUNTIME_IMAGE=<image with Node.js 24, CUDA 12 and cuDNN 9> .
#                                                          CUDA execution provider (run with ROUTER_DEVICE=cuda and a GPU)
#
# Targets: `runtime` (default, the app), `migrate` (`switchboard db migrate` applies prisma/migrations
# with Prisma's bookkeeping, `switchboard models sync` seeds models.json, then it exits; docker-compose.yml runs it before the app),
# `trainer` (the app's code with Debian's PyTorch: `switchboard retrain worker` runs the retraining runs the app queues).

ARG NODE_IMAGE=node:24.22-bookworm-slim
ARG RUNTIME_IMAGE=${NODE_IMAGE}

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# skip: the CPU execution provider ships inside the onnxruntime-node package, nothing is downloaded.
# cuda12: onnxruntime-node's install script downloads the CUDA 12 provider libraries next to its addon.
ARG ONNXRUNTIME_NODE_INSTALL=skip
ENV ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL} NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# `npm install`, as scripts/install.sh explains: `npm ci` rejects lock files that lack other platforms' optional binaries.
RUN npm install --no-audit --no-fund
# Recent npm releases hold install scripts back until approved: run onnxruntime-node's own installer explicitly
# so a CUDA build gets its provider libraries whichever npm the base image brings.
RUN if [ "$ONNXRUNTIME_NODE_INSTALL" != "skip" ]; then node node_modules/onnxruntime-node/script/install.js; fi

FROM deps AS build
# The sentence encoder's ONNX file is converted from the USE-lite weights in node_modules, not kept in git.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-onnx python3-numpy >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# The router's shipped model is optional at build time (the app falls back to the default model without one).
RUN mkdir -p router-core/models \
 && /usr/bin/python3 scripts/build-use-lite-onnx.py \
 && PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate \
 && npx next build

FROM build AS migrate
USER 1000:1000
CMD ["sh", "-c", "npx switchboard db migrate && npx switchboard models sync"]

FROM build AS trainer
# The runtime image has no Python: retraining (admin, CLI or continuous) runs here, on runs the app queues with
# ROUTER_TRAINER=service, and writes versions to the volume the app reads them from (ROUTER_VERSIONS_DIR).
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-sklearn >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /app/.data /app/training/.cache \
 && chown -R 1000:1000 /app/.data /app/training/.cache
USER 1000:1000
STOPSIGNAL SIGTERM
CMD ["npx", "switchboard", "retrain", "worker"]

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
# HOSTNAME: Docker sets it to the container id; the standalone server binds to it, so listen on all interfaces instead.
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
COPY --from=build --chown=1000:1000 /app/.next/standalone ./
COPY --from=build --chown=1000:1000 /app/.next/static ./.next/static
COPY --from=build --chown=1000:1000 /app/models.json ./models.json
COPY --from=build --chown=1000:1000 /app/router-core/models ./router-core/models
# Router versions trained later live under ROUTER_VERSIONS_DIR (default .data/router-versions); mount a volume here.
RUN mkdir -p /app/.data && chown 1000:1000 /app/.data
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 and receives SIGTERM itself: Next.js stops accepting connections and lets streams in flight finish.
STOPSIGNAL SIGTERM
CMD ["node", "server.js"]
