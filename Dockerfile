# The checkout proxy, with the widget bundle and the demo store it serves.
#   docker build -t checkout-button .
#   docker run --rm -p 3000:3000 --env-file .env checkout-button

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY demo ./demo
# Files stay owned by root: the proxy only reads them.
USER node
EXPOSE 3000
# Slim images have no curl; Node 22 has fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm, is PID 1: SIGTERM from `docker stop` reaches the proxy's graceful shutdown.
# The V8 flags are `npm start`'s (see docs/performance.md): a smaller heap at some peak throughput.
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=10", "dist/server/cli/index.js"]
