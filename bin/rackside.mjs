#!/usr/bin/env node
// Launcher for the `rackside` command: runs the TypeScript CLI through tsx's ESM loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/main.ts');
