/**
 * One logger for every process. Redaction is the backstop for the rule that personal data
 * (names, ID numbers, mobiles, card numbers, SMS codes) never reaches a log line.
 */
import pino from 'pino';
import type { Config } from './index';

const PII_KEYS = ['name', 'idNumber', 'mobile', 'number', 'cardNumber', 'code', 'applicant', 'boundAccount'];

export const logger = (
  config: Pick<Config, 'logLevel'>,
  service: string,
  destination?: pino.DestinationStream,
) =>
  pino(
    {
      level: config.logLevel,
      base: { service },
      redact: { paths: [...PII_KEYS, ...PII_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
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
