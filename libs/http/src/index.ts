import './express-augment';

export * from './errors';
export { requestContext } from './request-context';
export { healthRouter } from './health';
export type { HealthOptions, ReadinessCheck } from './health';
export { createMetrics } from './metrics';
// Services register their own series on `Metrics.registry` with these.
export { Counter, Gauge } from 'prom-client';
export type { Metrics, MetricsOptions } from './metrics';
export { createServiceApp } from './service-app';
export type { ServiceAppOptions } from './service-app';
export { startHttpServer } from './http-server';
export { bodyAbandoned, bodyLeftUnread, hasBody } from './unread-body';
export { relayBody, sendBody } from './relay-body';
export type { HttpServerHandle, ListenOptions } from './http-server';
export { runService } from './run-service';
export type { RunningService, ServiceOptions } from './run-service';
export { bearerChallenge } from './bearer-challenge';
export { INTERNAL_SECRET_HEADER, requireInternalSecret } from './internal-secret';
export { callInternalApi, type InternalAnswer, type InternalCallOptions } from './internal-call';
export type { BearerChallengeOptions } from './bearer-challenge';
export { pageOf, setPaginationHeaders, slicePage, type Page } from './gitlab-pagination';
export * from './grape-params';
export {
  answerWithStoredBody,
  gatewaySendsStoredBodies,
  storedBodyOf,
  STORED_BODY_HEADER,
  STORED_BODY_OFFER_HEADER,
  type StoredBody,
} from './stored-body';
export {
  CSRF_COOKIE,
  CSRF_HEADER,
  SESSION_COOKIE,
  cookieValue,
  csrfTokenFor,
  csrfTokenMatches,
  hasTokenHeader,
  sessionTokenOf,
} from './session-cookie';
