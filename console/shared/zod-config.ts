/**
 * Imported first by each page: zod would otherwise probe `new Function` to speed up parsing,
 * which the pages' CSP (no 'unsafe-eval', Trusted Types) refuses and reports as a violation.
 */
import * as z from 'zod';

z.config({ jitless: true });
