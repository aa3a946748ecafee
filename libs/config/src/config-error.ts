/** Raised when configuration is missing or invalid; `message` is one line naming the variable(s). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
