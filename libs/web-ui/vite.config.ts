import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves the built files: index.html for every page URL, and the hashed assets under
// /-/ui/ (`-` is a reserved name, so no group or project can take that path).
export default defineConfig({
  base: '/-/ui/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
