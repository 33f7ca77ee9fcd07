/**
 * Face liveness and comparison (flow v2): the vendor says whether the selfie is a live person
 * and how similar it is to the photo the identity register holds for the ID number.
 */
import type { FaceResponse } from '../contracts/providers';
import { pass, reject, review } from './step-results';
import type { StepResult } from './steps';

/** At or above: the same person. */
export const FACE_PASS_SIMILARITY = 0.8;
/** At or above (and below the pass mark): probably the same person; a human looks after opening. */
export const FACE_REVIEW_SIMILARITY = 0.6;

export function classifyFace(answer: FaceResponse): StepResult {
  if (answer.liveness === 'SPOOF') return reject('FACE', 'FACE_SPOOF');
  if (answer.similarity >= FACE_PASS_SIMILARITY) return pass('FACE');
  if (answer.similarity >= FACE_REVIEW_SIMILARITY) return review('FACE', 'FACE_BORDERLINE');
  return reject('FACE', 'FACE_MISMATCH');
}
