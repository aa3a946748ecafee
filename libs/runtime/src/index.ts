export { runMain } from './run-main';
export type { MainLogger, Stoppable } from './run-main';
export { openInfrastructure } from './infrastructure';
export type { Infrastructure } from './infrastructure';
export { runServiceMain, runMigrateMain } from './service-main';
export type { ServiceStartContext } from './service-main';
export { refreshKeysOnSigningKeyEvents, SIGNING_KEY_EVENTS } from './signing-key-events';
