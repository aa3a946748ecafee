import { ConfigError } from '@stowage/config';
import { growHeapSteadily } from './heap-growth';

/** What a started service gives back so the process can stop it. */
export interface Stoppable {
  /** Stops accepting work, finishes in-flight requests and jobs, closes connections. */
  stop(): Promise<void>;
}

export interface MainLogger {
  info(message: string, meta?: object): unknown;
  error(message: string, meta?: object): unknown;
}

/**
 * The shared life cycle of every `main.ts`: start; on SIGTERM or SIGINT stop cleanly and exit 0;
 * a second signal exits at once. A configuration error prints one line naming the variable and
 * exits 2; any other start-up failure exits 1.
 */
export function runMain(
  name: string,
  start: () => Promise<{ service: Stoppable; logger: MainLogger }>,
): void {
  growHeapSteadily();
  start().then(
    ({ service, logger }) => {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) {
          logger.error('second signal, exiting immediately', { signal });
          process.exit(1);
        }
        stopping = true;
        logger.info('shutting down', { signal });
        service.stop().then(
          () => {
            logger.info('stopped cleanly');
            process.exit(0);
          },
          (error: unknown) => {
            logger.error('shutdown failed', { error });
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${name}: ${error.message}\n`);
        process.exit(2);
      }
      process.stderr.write(
        `${name}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
