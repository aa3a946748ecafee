/** The slice of a winston logger this library writes to. */
export interface DbLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}
