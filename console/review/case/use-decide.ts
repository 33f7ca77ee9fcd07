/** Sending a decision, and saying why the API refused one, by the refusal's code. */
import { useState } from 'preact/hooks';
import type { ProblemCode } from '../../../domain/problem-codes';
import { type ApiClient, ApiError, type DecisionRequest, type ReviewCase } from '../../../sdk/index';
import { messageOf } from '../../shared/format';

/** What kind of refusal it was, before the API's own words. */
const REFUSED_AS: Partial<Record<ProblemCode, string>> = {
  SAME_OPERATOR: '四眼原则不允许：',
  SUPERVISOR_REQUIRED: '需主管确认：',
  FORBIDDEN: '无权决定：',
  NOT_CLAIM_HOLDER: '无权决定：',
  STALE_ROUND: '无法决定：',
  ROUND_DECIDED: '无法决定：',
  CLAIMED: '无法决定：',
  NOT_CLAIMABLE: '无法决定：',
  CONFLICT: '无法决定：',
  INVALID_DECISION: '请求有误：',
  INVALID_REQUEST: '请求有误：',
};

/** Sends a decision; a refusal is the API's own words, after what kind of refusal its code says it is. */
export function useDecide(api: ApiClient, review: ReviewCase, after: (r: ReviewCase) => void) {
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const send = async (request: DecisionRequest) => {
    if (busy) return;
    setBusy(true);
    setRefusal(undefined);
    try {
      after(await api.decide(review.reviewId, request, crypto.randomUUID()));
    } catch (err) {
      if (err instanceof ApiError) {
        setRefusal(`${(err.code && REFUSED_AS[err.code]) ?? ''}${err.detail}`);
      } else setRefusal(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return { send, busy, refusal };
}
