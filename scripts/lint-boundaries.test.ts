import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** Lints a snippet as if it lived at `file`, with only the import-boundary rule switched on. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: {
      languageOptions: { parserOptions: { project: null, projectService: false } },
    },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  const messages = result?.messages ?? [];
  // Anything but the boundary rule (a parse error, say) would make the check meaningless.
  expect(messages.filter((m) => m.ruleId !== 'no-restricted-imports')).toEqual([]);
  return messages.map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['src/renderer/src/features/x/View.tsx', "import { ipcRenderer } from 'electron';"],
    ['src/renderer/src/features/x/View.tsx', "import fs from 'node:fs';"],
    ['src/renderer/src/features/x/View.tsx', "import fs from 'fs';"],
    [
      'src/renderer/src/features/x/View.tsx',
      "import { createCore } from '../../../../main/app/create-core';",
    ],
    ['src/shared/thing.ts', "import path from 'node:path';"],
    ['src/shared/thing.ts', "import React from 'react';"],
    ['src/shared/thing.ts', "import { x } from '../main/core/logger';"],
    ['src/main/profiles/service.ts', "import { app } from 'electron';"],
    ['src/main/app/create-core.ts', "import { safeStorage } from 'electron';"],
    ['lab/foreman/server.ts', "import { app } from 'electron';"],
  ])('reports a forbidden import in %s: %s', async (file, code) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.join('\n')).toMatch(
      /never imports|no Node built-ins|imports only zod|may import electron/,
    );
  });

  it.each([
    ['src/renderer/src/features/x/View.tsx', "import { z } from 'zod';"],
    [
      'src/renderer/src/features/x/View.tsx',
      "import type { AppInfo } from '../../../../shared/contract';",
    ],
    ['src/shared/thing.ts', "import { z } from 'zod';"],
    ['src/shared/thing.ts', "import { AppError } from './errors';"],
    ['src/main/electron/window.ts', "import { BrowserWindow } from 'electron';"],
    ['src/preload/index.ts', "import { contextBridge } from 'electron';"],
    ['src/main/db/open.ts', "import fs from 'node:fs';"],
  ])('allows %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
