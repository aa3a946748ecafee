import winston from 'winston';
import { redactSecrets } from './redact';

export type Logger = winston.Logger;

export interface LoggerOptions {
  /** Service name, added to every line. */
  service: string;
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
}

const defaultService = (service: string) =>
  winston.format((info) => {
    info.service ??= service;
    return info;
  })();

/**
 * Drops an event below the logger's level before the other formats run. winston formats every
 * event and lets the transport filter by level only afterwards, so without this each request's
 * access line (level `http`) was redacted and serialised to JSON only to be thrown away.
 */
const onlyEnabledLevels = (logger: () => Logger) =>
  winston.format((info) => (logger().isLevelEnabled(info.level) ? info : false))();

/** JSON lines, one per event, with timestamp and service, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  const logger: Logger = winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(
      onlyEnabledLevels(() => logger),
      // Not defaultMeta: winston lets defaultMeta override a child's fields, and in standalone
      // mode each service's child logger must be able to name itself.
      defaultService(options.service),
      winston.format.errors({ stack: true }),
      redactSecrets(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [transport],
  });
  return logger;
}

/** A logger that writes nothing, for tests (inject it instead of mocking modules). */
export function createSilentLogger(): Logger {
  return winston.createLogger({
    silent: true,
    transports: [new winston.transports.Console({ silent: true })],
  });
}
