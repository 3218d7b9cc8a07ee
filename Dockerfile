# syntax=docker/dockerfile:1

# Engine image: compiled in one stage, run from a slim stage with production dependencies only.
# Debian (glibc) rather than Alpine: the KurrentDB client's native bridge ships a prebuilt linux-x64-gnu binary.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# tsconfig.build.json: rootDir ".", outDir "dist", so the entry point is dist/src/main.js.
RUN npm run build

FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
# package.json carries "type": "module", which the compiled ESM needs at run time.
COPY package.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The web app, served at /app (found beside package.json).
COPY --from=build /app/web/dist ./web/dist
# The dossier's fonts (PDF/A embeds them; found beside package.json).
COPY --from=build /app/assets ./assets
# The code stays root-owned and read-only to the process; only DATA_DIR is writable by it.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# node:20-slim has no curl or wget; Node 20's fetch does the probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
