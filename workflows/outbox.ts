/**
 * Webhook events leave through the outbox: each is delivered by an activity retried with
 * backoff until the receiver takes it or the policy gives up, without holding up the business
 * process. The delivery log is what apps read to see what reached them.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AppEvent } from '../contracts/providers';
import type { Delivery } from '../domain/deliveries';
import { deliveryOptions } from './activity-options';

/** An event as the workflow sends it, and where to. */
export interface OutgoingEvent {
  event: Omit<AppEvent, 'occurredAt'>;
  to: 'app' | 'ops';
}

export class Outbox {
  readonly deliveries: Delivery[] = [];
  private readonly inFlight: Promise<void>[] = [];
  /** Sent and not yet delivered or given up: what a review carries when it continues as new. */
  private readonly undelivered = new Map<string, OutgoingEvent>();
  private readonly activities: Pick<Activities, 'notifyApp' | 'notifyOps'>;

  /** `partnerId`: the partner bank the application came through, whose webhook its events go to. */
  constructor(
    giveUpSeconds: number,
    private readonly partnerId?: string,
  ) {
    this.activities = proxyActivities<Activities>(deliveryOptions(giveUpSeconds));
  }

  /** To the app's webhook; `to: 'ops'` for the bank's operations team. */
  send(event: Omit<AppEvent, 'occurredAt'>, to: 'app' | 'ops' = 'app'): void {
    const delivery: Delivery = { eventId: event.eventId, type: event.type, status: 'PENDING' };
    this.deliveries.push(delivery);
    this.deliver(delivery, { event, to });
  }

  /**
   * A run that continues another: the deliveries so far, and the events still on their way sent
   * again (each keeps its event id, so a receiver that had it already keeps one).
   */
  restore(deliveries: Delivery[], undelivered: OutgoingEvent[]): void {
    this.deliveries.push(...deliveries.map((d) => ({ ...d })));
    for (const outgoing of undelivered) {
      const delivery = this.deliveries.find((d) => d.eventId === outgoing.event.eventId);
      if (delivery) this.deliver(delivery, outgoing);
      else this.send(outgoing.event, outgoing.to);
    }
  }

  /** The events sent and not yet delivered or given up. */
  pending(): OutgoingEvent[] {
    return [...this.undelivered.values()];
  }

  private deliver(delivery: Delivery, outgoing: OutgoingEvent): void {
    const { event, to } = outgoing;
    this.undelivered.set(event.eventId, outgoing);
    const deliver = to === 'app' ? this.activities.notifyApp : this.activities.notifyOps;
    this.inFlight.push(
      // One `then`, as before the carried events existed: the chain's length orders commands.
      deliver(this.partnerId ? { ...event, partnerId: this.partnerId } : event).then(
        ({ attempts }) => {
          this.undelivered.delete(event.eventId);
          Object.assign(delivery, { status: 'DELIVERED', attempts, at: new Date().toISOString() });
        },
        () => {
          this.undelivered.delete(event.eventId);
          Object.assign(delivery, { status: 'GAVE_UP', at: new Date().toISOString() });
        },
      ),
    );
  }

  /** A workflow finishes only once every event is delivered or given up. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}
