import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Replaces a file so that a crash leaves either the old or the new content, never a torn one:
 * write a temp file beside it, fsync, rename over the target, fsync the folder.
 */
export async function writeFileAtomic(
  target: string,
  content: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'w', options.mode ?? 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable on POSIX; Windows cannot open folders this way.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes temp file + fsync + rename + directory fsync, so a crash leaves the old or the new file.
 * The folder must exist. The temp file has an unguessable name, is created exclusively (never
 * through a link someone placed there) and is removed if anything fails.
 */
export function writeFileDurably(file: string, contents: string): void {
  const temp = writeTempFile(file, contents);
  try {
    fsSync.renameSync(temp, file);
  } catch (error) {
    fsSync.rmSync(temp, { force: true });
    throw error;
  }
  syncDirSync(path.dirname(file));
}

/**
 * Creates `file` with `contents` only if no file of that name exists, also when another process
 * creates it at the same moment: returns false, and leaves that file as it is, when one exists.
 * The content is written to a temp file and fsynced first, then hard-linked to the name (a link
 * fails if the name is taken), so the file appears whole or not at all.
 */
export function createFileDurably(file: string, contents: string): boolean {
  const temp = writeTempFile(file, contents);
  try {
    try {
      fsSync.linkSync(temp, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code === undefined || !noHardLinks.has(code)) throw error;
      // A file system without hard links (FAT, exFAT, some network shares): an exclusive copy
      // still never replaces another process's file; only its few bytes are written in place.
      if (!copyExclusively(temp, file)) return false;
    }
  } finally {
    fsSync.rmSync(temp, { force: true });
  }
  syncDirSync(path.dirname(file));
  return true;
}

/** What `link` fails with where the file system has no hard links. */
const noHardLinks = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

function copyExclusively(from: string, to: string): boolean {
  try {
    fsSync.copyFileSync(from, to, fsSync.constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  const handle = fsSync.openSync(to, 'r+');
  try {
    fsSync.fsyncSync(handle);
  } finally {
    fsSync.closeSync(handle);
  }
  return true;
}

/** A new temp file beside `file` holding `contents`, fsynced; removed again if writing fails. */
function writeTempFile(file: string, contents: string): string {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = fsSync.openSync(temp, 'wx', 0o600);
  try {
    try {
      fsSync.writeSync(handle, contents);
      fsSync.fsyncSync(handle);
    } finally {
      fsSync.closeSync(handle);
    }
  } catch (error) {
    fsSync.rmSync(temp, { force: true });
    throw error;
  }
  return temp;
}

function syncDirSync(dir: string): void {
  try {
    const handle = fsSync.openSync(dir, 'r');
    try {
      fsSync.fsyncSync(handle);
    } finally {
      fsSync.closeSync(handle);
    }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  }
}
