import { redact, redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  time: string;
  level: LogLevel;
  scope: string;
  message: string;
  fields?: unknown;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

/** Writes one JSON line per record to stderr, so stdout stays free for program output. */
export const stderrSink: LogSink = (record) => {
  process.stderr.write(`${JSON.stringify(record)}\n`);
};

/**
 * The one logger factory. Every record passes through redaction here, so no caller can leak a
 * secret into a log by forgetting to mask it.
 */
export function createLogger(
  options: { scope?: string; level?: LogLevel; sink?: LogSink; clock?: () => Date } = {},
): Logger {
  const scope = options.scope ?? 'rackside';
  const minimum = order[options.level ?? 'info'];
  const sink = options.sink ?? stderrSink;
  const clock = options.clock ?? (() => new Date());

  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (order[level] < minimum) return;
    const record: LogRecord = {
      time: clock().toISOString(),
      level,
      scope,
      message: redactText(message),
    };
    if (fields !== undefined) record.fields = redact(fields);
    sink(record);
  };

  return {
    debug: (message, fields) => {
      write('debug', message, fields);
    },
    info: (message, fields) => {
      write('info', message, fields);
    },
    warn: (message, fields) => {
      write('warn', message, fields);
    },
    error: (message, fields) => {
      write('error', message, fields);
    },
    child: (child) => createLogger({ ...options, scope: `${scope}:${child}` }),
  };
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ sink: () => undefined });
