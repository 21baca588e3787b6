import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SshSessionView } from '../../shared/ssh';
import type { Handlers } from '../contract/router';
import type { EventHub } from '../core/events';
import type { SshSessionManager } from '../ssh';
import type { DirectTarget } from '../ssh/session-targets';
import type { TerminalStreams } from '../hosts/terminal-streams';

type SshHandlerNames = Extract<keyof Handlers, `ssh:${string}`>;

export interface SshHandlers {
  handlers: Pick<Handlers, SshHandlerNames>;
  close(): void;
}

/**
 * The SSH commands: adapters over the session manager. Status, prompts and a log that stopped
 * become `ssh:status`, `ssh:prompt`, `ssh:prompt-closed` and `ssh:log-stopped`; terminal bytes
 * go through `streams`, never the contract.
 * Session logs are opt-in and written only under the data folder, with names chosen here.
 */
export function sshHandlers(
  ssh: SshSessionManager,
  streams: TerminalStreams,
  events: EventHub,
  dataDir: string,
): SshHandlers {
  const logFiles = new Map<string, string>();
  const logDir = path.join(dataDir, 'session-logs');

  const view = (id: string): SshSessionView => ({
    ...ssh.info(id),
    logFile: logFiles.get(id) ?? null,
    attached: streams.attached(id),
  });

  /**
   * A new session's log file, if asked for. A folder that cannot be made (a file in its place,
   * a read-only data folder) does not keep the session from opening: the terminal says why it
   * has no log, as it does when a log cannot be written.
   */
  const logFileFor = (log: boolean): { logFile?: string; notice?: string } => {
    if (!log) return {};
    try {
      fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      return {
        notice: `The session log folder ${logDir} cannot be created (${why}); the session goes on without a log.`,
      };
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return { logFile: path.join(logDir, `${stamp}-${randomUUID().slice(0, 8)}.log`) };
  };

  const started = (id: string, logFile: string | undefined): SshSessionView => {
    if (logFile !== undefined) logFiles.set(id, logFile);
    streams.opened(id);
    return view(id);
  };

  const unsubscribe = [
    ssh.on('status', (sessionId, status) => {
      events.emit('ssh:status', { sessionId, status });
    }),
    ssh.on('prompt', (prompt) => {
      events.emit('ssh:prompt', prompt);
    }),
    ssh.on('prompt-closed', (promptId) => {
      events.emit('ssh:prompt-closed', { promptId });
    }),
    ssh.on('log-stopped', (sessionId, why) => {
      events.emit('ssh:log-stopped', { sessionId, why });
    }),
  ];

  return {
    handlers: {
      'ssh:open': async (request) => {
        const terminal = { cols: request.cols, rows: request.rows };
        const { logFile, notice } = logFileFor(request.log);
        const target: string | DirectTarget =
          'profileId' in request
            ? request.profileId
            : {
                host: request.quick.host,
                port: request.quick.port,
                username: request.quick.user,
                auth: { mode: request.quick.auth },
              };
        const id = await ssh.open(target, {
          ...terminal,
          ...(logFile === undefined ? {} : { logFile }),
          ...(notice === undefined ? {} : { notice }),
        });
        return started(id, logFile);
      },
      'ssh:lxc-console': async (request) => {
        const { logFile, notice } = logFileFor(request.log);
        const id = await ssh.openLxcConsole(
          request.nodeProfileId,
          { vmid: request.vmid, hostname: request.hostname },
          {
            cols: request.cols,
            rows: request.rows,
            ...(logFile === undefined ? {} : { logFile }),
            ...(notice === undefined ? {} : { notice }),
          },
        );
        return started(id, logFile);
      },
      'ssh:resize': ({ sessionId, cols, rows }) => {
        ssh.resize(sessionId, cols, rows);
        return null;
      },
      'ssh:close': ({ sessionId }) => {
        ssh.info(sessionId);
        ssh.discard(sessionId);
        streams.closed(sessionId);
        logFiles.delete(sessionId);
        return null;
      },
      'ssh:reconnect': async ({ sessionId }) => {
        await ssh.reconnect(sessionId);
        return view(sessionId);
      },
      'ssh:answer': ({ promptId, answer }) => {
        ssh.answer(promptId, answer);
        return null;
      },
      'ssh:forget-host-key': ({ host, port }) => ({ removed: ssh.forgetHostKey(host, port) }),
      'ssh:list': () => ssh.list().map((info) => view(info.id)),
      'ssh:attach': ({ sessionId }) => {
        const session = view(sessionId);
        streams.reopen(sessionId);
        // The window that showed its questions went away; this one shows them again.
        for (const prompt of ssh.openPrompts(sessionId)) events.emit('ssh:prompt', prompt);
        return session;
      },
    },
    close: () => {
      for (const off of unsubscribe) off();
    },
  };
}
