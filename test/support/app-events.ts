/** Any webhook event the service could send: what the signature tests sign and verify. */
import fc from 'fast-check';
import { appEventTypeSchema } from '../../domain/deliveries';

export const appEventArb = fc.record({
  eventId: fc.string({ minLength: 1 }),
  type: fc.constantFrom(...appEventTypeSchema.options),
  applicationId: fc.uuid(),
  occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  data: fc.dictionary(fc.string(), fc.jsonValue()),
});
