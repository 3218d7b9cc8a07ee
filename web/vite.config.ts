import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The web app, built to web/dist and served by the engine at /app (src/infrastructure/http/web-app). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
  // Development against a running engine: `npx vite web` proxies the API to it.
  server: { proxy: { '/api': process.env.ENGINE_URL ?? 'http://127.0.0.1:3000' } },
});
