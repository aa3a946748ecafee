export { createLogger, createSilentLogger } from './create-logger';
export type { Logger, LoggerOptions } from './create-logger';
export { redactValue } from './redact';
