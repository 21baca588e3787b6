import { afterAll } from 'vitest';
import { removeTempDirs } from '../db/test-helpers';

// Setup file of the node test project: a test file's temporary directories go with it.
afterAll(removeTempDirs);
