/** Step results as workflow code builds them, without zod: steps.ts holds the schemas and re-exports these. */
import type { ReasonCode, StepName, StepResult } from './steps';

export const pass = (step: StepName): StepResult => ({ step, outcome: 'PASS', reasons: [] });
export const reject = (step: StepName, ...reasons: ReasonCode[]): StepResult => ({
  step,
  outcome: 'REJECT',
  reasons,
});
export const review = (step: StepName, ...reasons: ReasonCode[]): StepResult => ({
  step,
  outcome: 'REVIEW',
  reasons,
});
