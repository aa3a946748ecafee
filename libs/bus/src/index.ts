export type {
  ConsumeOptions,
  DomainEvent,
  EnqueueOptions,
  EventBus,
  EventHandler,
  Job,
  JobHandler,
  JobQueue,
  Subscription,
} from './ports';
export { createBus, type Bus, type CreateBusOptions } from './create-bus';
export { newEvent } from './new-event';
export { silentBusLogger, type BusLogger } from './bus-logger';
export { BusClosedError, BusUnavailableError, InvalidBusArgumentError } from './errors';
export { topicMatches } from './topic-pattern';
export { InProcessEventBus } from './in-process/in-process-event-bus';
export type { InProcessBusOptions } from './in-process/in-process-bus-options';
export { InProcessJobQueue } from './in-process/in-process-job-queue';
export { RabbitConnection, type RabbitConnectionOptions } from './rabbitmq/rabbit-connection';
export { RabbitMqEventBus } from './rabbitmq/rabbitmq-event-bus';
export type { RabbitBusOptions } from './rabbitmq/rabbit-bus-options';
export { RabbitMqJobQueue } from './rabbitmq/rabbitmq-job-queue';
