/** Who holds the case's claim (a lease the API enforces), and what the caller may do about it. */
import type { CallerView, Claim } from '../../../sdk/index';
import { formatTime } from '../../shared/format';

export type ClaimState =
  | { kind: 'claiming' }
  | { kind: 'mine'; claim: Claim }
  | { kind: 'theirs'; claimedBy: string; until?: string }
  | { kind: 'closed'; why: string }
  | { kind: 'released' };

export function ClaimBanner(props: { claim: ClaimState; me: CallerView; release(): void; retake(): void }) {
  const { claim, me } = props;
  switch (claim.kind) {
    case 'claiming':
      return <p class="claim">正在认领…</p>;
    case 'mine':
      return (
        <p class="claim mine" role="status">
          已由你认领，至 {formatTime(claim.claim.until)}。其他人在此期间不能决定本案。
          <button type="button" class="link" onClick={props.release}>
            释放
          </button>
        </p>
      );
    case 'theirs':
      return (
        <p class="claim theirs" role="alert">
          本案正由 <strong>{claim.claimedBy}</strong> 处理
          {claim.until && <>，至 {formatTime(claim.until)}</>}。在其释放或认领到期前，你不能作出决定。
          {me.role === 'supervisor' && (
            <button type="button" onClick={props.release}>
              以主管身份释放
            </button>
          )}
          <button type="button" class="link" onClick={props.retake}>
            重试认领
          </button>
        </p>
      );
    case 'closed':
      return (
        <p class="claim closed" role="status">
          本案当前无需决定：{claim.why}
        </p>
      );
    case 'released':
      return (
        <p class="claim" role="status">
          认领已释放。
          <button type="button" class="link" onClick={props.retake}>
            重新认领
          </button>
        </p>
      );
  }
}
