import { createOnboardingActivities } from './onboarding';
import type { Ports } from './ports';

/** Every activity the worker registers, built from the ports it is given. */
export function createActivities(ports: Ports) {
  return { ...createOnboardingActivities(ports) };
}

export type Activities = ReturnType<typeof createActivities>;
