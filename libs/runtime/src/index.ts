export { runMain } from './run-main';
export type { MainLogger, Stoppable } from './run-main';
