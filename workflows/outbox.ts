/**
 * Webhook events leave through the outbox: each is delivered by an activity retried with
 * backoff until the receiver takes it or the policy gives up, without holding up the business
 * process. The delivery log is what apps read to see what reached them.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AppEvent } from '../contracts/providers';
import type { Delivery } from '../domain/deliveries';

export class Outbox {
  readonly deliveries: Delivery[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private readonly activities: Pick<Activities, 'notifyApp' | 'notifyOps'>;

  /** `partnerId`: the partner bank the application came through, whose webhook its events go to. */
  constructor(
    giveUpSeconds: number,
    private readonly partnerId?: string,
  ) {
    this.activities = proxyActivities<Activities>({
      startToCloseTimeout: '10 seconds',
      scheduleToCloseTimeout: giveUpSeconds * 1000,
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    });
  }

  /** To the app's webhook; `to: 'ops'` for the bank's operations team. */
  send(event: Omit<AppEvent, 'occurredAt'>, to: 'app' | 'ops' = 'app'): void {
    const delivery: Delivery = { eventId: event.eventId, type: event.type, status: 'PENDING' };
    this.deliveries.push(delivery);
    const deliver = to === 'app' ? this.activities.notifyApp : this.activities.notifyOps;
    this.inFlight.push(
      deliver(this.partnerId ? { ...event, partnerId: this.partnerId } : event).then(
        ({ attempts }) =>
          Object.assign(delivery, { status: 'DELIVERED', attempts, at: new Date().toISOString() }),
        () => Object.assign(delivery, { status: 'GAVE_UP', at: new Date().toISOString() }),
      ) as Promise<unknown> as Promise<void>,
    );
  }

  /** A workflow finishes only once every event is delivered or given up. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}
