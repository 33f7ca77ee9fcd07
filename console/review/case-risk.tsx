/**
 * Flow v4's side of a case (the Anti-Telecom and Online Fraud Law): what the applicant declared
 * (purpose, the no-rent-or-sale declaration), the device they applied from, how many identities
 * applied from the same device and mobile, and the risk rating. Links are counts only: the other
 * people behind them are none of this case's business, and the API never sends who they are.
 */
import type { ApplicationView } from '../../sdk/index';
import { label, PLATFORM, PURPOSE, RISK_RATING } from './labels';

export function CaseRisk({ application }: { application?: ApplicationView }) {
  if (!application) return null;
  const { intent, device, links, riskRating } = application;
  // Applications of v1-v3 carry none of it: the section would only say "none" four times.
  if (!intent && !device && !links && !riskRating) return null;
  // The workflow judged the counts against the policy of its day: its step says whether they were a doubt.
  const linked = application.steps.some((s) => s.step === 'LINKED_APPLICANTS' && s.outcome !== 'PASS');
  return (
    <section aria-labelledby="risk-title">
      <h2 id="risk-title">开户意愿与风险</h2>
      <dl class="applicant risk">
        <div>
          <dt>开户用途</dt>
          <dd data-purpose={intent?.purpose}>
            {intent ? `${label(PURPOSE, intent.purpose)} (${intent.purpose})` : '—'}
          </dd>
        </div>
        <div>
          <dt>不出租出借出售承诺</dt>
          <dd data-declared={intent ? String(intent.declaresNoRentOrSale) : undefined}>
            {intent ? (intent.declaresNoRentOrSale ? '已承诺' : '未承诺') : '—'}
          </dd>
        </div>
        <div>
          <dt>申请设备</dt>
          <dd data-platform={device?.platform}>
            {device
              ? `${label(PLATFORM, device.platform)}${device.appVersion ? ` · App ${device.appVersion}` : ''}`
              : '—'}
          </dd>
        </div>
        {links && (
          <>
            <div>
              <dt>同一设备</dt>
              <dd data-links-device={links.identitiesOnDevice}>
                <LinkCount count={links.identitiesOnDevice} flagged={linked} />
              </dd>
            </div>
            <div>
              <dt>同一手机号</dt>
              <dd data-links-mobile={links.identitiesOnMobile}>
                <LinkCount count={links.identitiesOnMobile} flagged={linked} />
              </dd>
            </div>
          </>
        )}
        <div>
          <dt>风险等级</dt>
          <dd data-risk-rating={riskRating}>
            {riskRating ? (
              <span class={`tag risk-${riskRating}`}>
                {label(RISK_RATING, riskRating)} ({riskRating})
              </span>
            ) : (
              '未评级'
            )}
          </dd>
        </div>
      </dl>
      <p class="hint">设备与网络信息仅用于反欺诈；关联申请只显示人数，不显示其他申请人的信息。</p>
    </section>
  );
}

function LinkCount({ count, flagged }: { count: number; flagged: boolean }) {
  const text = `${count} 个身份申请（含本人）`;
  return flagged && count > 1 ? <strong class="tag linked">{text}</strong> : text;
}
