import type { Subscription } from './ports';

/**
 * The subscriptions a bus has handed out and not yet seen closed, so closing the bus closes
 * what its users left open. The handle a caller gets forgets itself when closed.
 */
export class OpenSubscriptions {
  private readonly open = new Set<Subscription>();

  /** Tracks `subscription`; returns the handle to give the caller. */
  add(subscription: Subscription, onClose?: () => void): Subscription {
    const handle: Subscription = {
      close: async () => {
        this.open.delete(handle);
        onClose?.();
        await subscription.close();
      },
    };
    this.open.add(handle);
    return handle;
  }

  /** Closes every subscription still open. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((handle) => handle.close()));
  }
}
