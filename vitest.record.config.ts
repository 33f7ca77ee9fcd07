// `npm run record-histories`: the same global setup as the tests, only the recorder.
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({ ...base, test: { ...base.test, include: ['test/record/**/*.record.ts'] } });
