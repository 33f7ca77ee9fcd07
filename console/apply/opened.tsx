/** The opened account: its status, and new ID photos when a review asks for them. */
import { useEffect, useState } from 'preact/hooks';
import type { AccountView, ApiClient } from '../../sdk/index';
import { messageOf } from '../shared/format';
import { imageType, PhotoInput } from './fields';
import type { Current, Stage } from './stage';
import { ACCOUNT_STATUS, REASONS } from './texts';

export function Opened({
  api,
  stage,
  current,
  save,
}: {
  api: ApiClient;
  stage: Extract<Stage, { kind: 'opened' }>;
  current: Current;
  save(c: Current): void;
}) {
  const [account, setAccount] = useState<AccountView>();
  const [askedRound, setAskedRound] = useState<number>();
  const [lifted, setLifted] = useState(false);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [front, setFront] = useState<File>();
  const [back, setBack] = useState<File>();

  const refresh = async () => {
    setBusy(true);
    try {
      const [acc, events] = await Promise.all([
        api.getAccount(stage.accountNumber),
        api.listEvents(stage.applicationId),
      ]);
      setAccount(acc);
      const rounds = events
        .filter((e) => e.type === 'RESUBMISSION_REQUESTED')
        .map((e) => Number(/:round-(\d+):/.exec(e.eventId)?.[1] ?? 0));
      const latest = rounds.length ? Math.max(...rounds) : undefined;
      const asked =
        latest !== undefined && latest > (current.resubmittedRound ?? 0) && acc.status !== 'ACTIVE';
      setAskedRound(asked ? latest : undefined);
      setLifted(acc.status === 'ACTIVE' && events.some((e) => e.type === 'HOLD_LIFTED'));
    } catch (err) {
      setMessage(`刷新失败：${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void refresh();
  }, []);

  const resubmit = async (e: Event) => {
    e.preventDefault();
    if (!front || !back || !imageType(front) || !imageType(back)) {
      setMessage('请拍摄或选择身份证正反两面的照片（JPG 或 PNG）。');
      return;
    }
    setBusy(true);
    setMessage(undefined);
    try {
      const [idFront, idBack] = await Promise.all([
        api.uploadDocument(front, imageType(front)!),
        api.uploadDocument(back, imageType(back)!),
      ]);
      const result = await api.resubmitIdDocuments(
        stage.accountNumber,
        { idFront, idBack },
        crypto.randomUUID(),
      );
      if (result.accepted) {
        save({ ...current, resubmittedRound: askedRound });
        setAskedRound(undefined);
        setMessage('照片已提交，正在等待复核。复核通过后账户将恢复正常。');
      } else {
        setMessage(
          `照片仍不清晰，请重新拍摄：${result.reasons.map((r) => (r.startsWith('ID_IMAGE') ? '照片模糊、反光或被遮挡' : r)).join('、')}`,
        );
      }
    } catch (err) {
      setMessage(`提交失败：${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="opened-title">
      <h2 id="opened-title" tabIndex={-1}>
        账户已开立
      </h2>
      <dl class="account">
        <div>
          <dt>账号</dt>
          <dd data-account={stage.accountNumber}>{stage.accountNumber}</dd>
        </div>
        <div>
          <dt>账户类别</dt>
          <dd>二类账户</dd>
        </div>
        <div>
          <dt>状态</dt>
          <dd data-status={account?.status}>
            {account ? (ACCOUNT_STATUS[account.status] ?? account.status) : '…'}
          </dd>
        </div>
      </dl>
      {lifted ? (
        <p class="notice">复核已通过，账户已恢复正常。</p>
      ) : (
        stage.review === 'PENDING' &&
        askedRound === undefined &&
        account?.status !== 'RECEIVE_ONLY' && <p class="notice">{REASONS.UNDER_REVIEW}</p>
      )}
      {askedRound !== undefined && (
        <form onSubmit={resubmit} class="resubmit" aria-busy={busy}>
          <h3>请重新上传身份证</h3>
          <p>复核未通过：您的身份证照片无法辨认，账户暂时只能收款。请在光线充足处重新拍摄身份证正反两面。</p>
          <div class="photo-inputs">
            <PhotoInput id="reFront" label="身份证人像面" file={front} onFile={setFront} />
            <PhotoInput id="reBack" label="身份证国徽面" file={back} onFile={setBack} />
          </div>
          <button type="submit" class="primary" disabled={busy}>
            提交新照片
          </button>
        </form>
      )}
      {message && (
        <p role="status" aria-live="polite" class="notice">
          {message}
        </p>
      )}
      <button type="button" onClick={refresh} disabled={busy}>
        刷新账户状态
      </button>
    </section>
  );
}
