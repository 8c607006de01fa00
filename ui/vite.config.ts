// Vite builds the window's frontend into ui/dist, which Tauri embeds (see
// src-tauri/tauri.conf.json); `npm run dev` serves it on the devUrl instead.
// Vitest reads the `test` section: pure modules and stores, beside their files.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [svelte()],
  // Keep Rust's errors visible when running under `tauri dev`.
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything is a file: the CSP allows no inline script or style.
    assetsInlineLimit: 0,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // The contrast test reads app.css as text (`?raw`); other CSS stays out of tests.
    css: { include: [/app\.css/] },
  },
});
