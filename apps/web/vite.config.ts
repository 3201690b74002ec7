import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// In development the SPA runs on Vite's server and reaches the BFF through this proxy; in production the BFF serves
// the built files itself, so the API is always same-origin.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, proxy: { '/api': `http://localhost:${process.env.BFF_PORT ?? 3000}` } },
  // No source maps in dist: the BFF serves dist to anyone, and a map is the app's whole source. `pnpm dev` still has them.
  build: { outDir: 'dist', sourcemap: false },
  test: {
    name: 'web',
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    setupFiles: ['src/testing/setup-tests.ts'],
  },
});
