import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'test-reports/unit.json' }]],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'src/main/**/*.test.ts',
            'src/shared/**/*.test.ts',
            'lab/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          setupFiles: ['src/main/test-support/remove-temp-dirs.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          // The stylesheet's text, for the test that checks the themes' contrast.
          css: { include: [/styles\.css/] },
        },
      },
    ],
  },
});
