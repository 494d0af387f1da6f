import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite transforms TSX itself; React 17+ automatic runtime, no React import needed in files.
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    globals: true,
    setupFiles: ['tests/setup.ts'],
    restoreMocks: true,
  },
});
