export { createApp } from './app';
export type { GatewayDeps } from './app';
export { startGateway } from './service';
export type { RunningGateway } from './service';
export { gatewaySchema, loadGatewayConfig, upstreamTimeoutOptions } from './config';
export type { GatewayConfig } from './config';
