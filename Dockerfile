# One image for every service; docker-compose.yml picks the entry point per service.
FROM node:22-bookworm-slim
WORKDIR /app
# DejaVu Sans: the receipt PDF's font, the one with the rupee sign (hub/receipts/receipt-font.ts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
USER node
# TypeScript runs through tsx, as in development: one source of truth, no build step to forget.
CMD ["node", "--import", "tsx", "hub/main.ts"]
