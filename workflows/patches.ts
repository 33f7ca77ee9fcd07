/**
 * The workflow patches in force since the release baseline (docs/changing-workflows.md): each
 * change to a workflow's commands that running workflows must not see, from the day it ships until
 * the day its old branch can go. `npm run patches` counts the running workflows of each, through
 * visibility, so retiring one is a command and a look.
 *
 * Empty at the baseline: every earlier patch was folded into the code, and the recorded histories
 * (test/histories) were recorded again on it.
 *
 * To add one: wrap the new behaviour in `patched(PATCH_ID)` where PATCH_ID is a constant exported
 * beside the workflow (or `patches[i].id` itself), then add an entry here in the same commit, with
 * `stage: 'patched'`, the day it ships as `date`, and as `removedAfter` that day plus the longest a
 * workflow of that type can stay open (a review: its policy's re-submission and frozen deadlines;
 * an application: its business deadline). Retiring it moves it to `stage: 'deprecated'` with its
 * `deprecatedOn` day, then out of this list (the retirement procedure in
 * docs/changing-workflows.md).
 *
 * Workflow code may import this module (no Node, no I/O).
 */
import type * as workflowTypes from './index';

/** A workflow type the worker serves (workflows/index.ts). */
export type WorkflowType = keyof typeof workflowTypes;

export interface Patch {
  /** The id passed to `patched()` and later `deprecatePatch()`: kebab-case, never used twice. */
  readonly id: string;
  /** The workflow type that asks for it. */
  readonly workflow: WorkflowType;
  /** The day it shipped with `patched()` (YYYY-MM-DD, China time). */
  readonly date: string;
  /** The day `deprecatePatch()` replaced `patched()` (YYYY-MM-DD), once it has. */
  readonly deprecatedOn?: string;
  /** The day after which no run can still be on the old branch (YYYY-MM-DD), checked with `npm run patches`. */
  readonly removedAfter: string;
  /** `patched`: both branches in the code; `deprecated`: `deprecatePatch()`, the old branch deleted. */
  readonly stage: 'patched' | 'deprecated';
  /** What changed, in a line. */
  readonly change: string;
}

export const patches: readonly Patch[] = [];
