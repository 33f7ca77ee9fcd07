/**
 * One logger for every process. Redaction is the backstop for the rule that personal data
 * (names, ID numbers, mobiles, card and account numbers, SMS codes, notes) never reaches a log
 * line: personal fields are censored at any depth of a logged object, and long digit runs (the
 * shape of mobiles, ID numbers, card and account numbers) are censored inside any string,
 * messages and stack traces included.
 */
import pino from 'pino';
import type { Config } from './index';

const PII_KEYS = new Set([
  'name',
  'idNumber',
  'mobile',
  'number',
  'cardNumber',
  'accountNumber',
  'code',
  // A one-time code under another name (the bank's own SMS gateway's word for it).
  'otp',
  'note',
  'applicant',
  'boundAccount',
  'holder',
  // Flow v4's device data: collected for anti-fraud use only, personal data like the rest.
  'device',
  'deviceId',
  'ip',
]);
const CENSOR = '[redacted]';
/** 11 digits or more (mobiles, cards, account numbers, ID numbers), with an ID number's check character X. */
const DIGIT_RUNS = /\d{11,}[Xx]?/g;
const MAX_DEPTH = 12;

const scrub = (s: string): string => s.replace(DIGIT_RUNS, CENSOR);

/** A copy of `value` with personal fields censored however deep they sit. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[elided]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, PII_KEYS.has(k) ? CENSOR : redact(v, depth + 1)]),
  );
}

export const logger = (
  config: Pick<Config, 'logLevel'>,
  service: string,
  destination?: pino.DestinationStream,
) =>
  pino(
    {
      level: config.logLevel,
      base: { service },
      hooks: {
        // The finished line, after every serializer: what is censored here is what leaves.
        streamWrite: (line) => `${JSON.stringify(redact(JSON.parse(line)))}\n`,
      },
      serializers: {
        // Paths and query strings carry account numbers and the like: log the route's pattern instead.
        req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
          method: req.method,
          route: req.routeOptions?.url ?? '(no route)',
        }),
      },
    },
    destination,
  );
