/**
 * Flow v4's step on the applicant's page: why the customer opens the account (开户意愿) and their
 * declaration that it will not be rented, lent or sold (断卡), with the law's warning. The
 * declaration starts unticked: it counts only as the customer's own act.
 */
import type { Intent, OpeningPurpose } from '../../domain/opening-intent';

export const PURPOSES: Record<OpeningPurpose, string> = {
  SAVINGS: '储蓄',
  WEALTH: '理财',
  PAYMENTS: '支付',
  SALARY: '工资',
  OTHER: '其他',
};

export const DECLARATION =
  '本人承诺开立的账户仅供本人使用，不出租、出借、出售；买卖、出租、出借账户属违法行为，将依法承担法律责任并被纳入惩戒名单。';

export const LAW_WARNING =
  '根据《中华人民共和国反电信网络诈骗法》，任何单位和个人不得非法买卖、出租、出借银行账户。违反规定的，将被依法处罚，并在一定期限内被限制开立新账户。';

/** What the customer has chosen so far: nothing, until they choose. */
export interface IntentDraft {
  purpose?: OpeningPurpose;
  declaresNoRentOrSale: boolean;
}

export const emptyIntent: IntentDraft = { declaresNoRentOrSale: false };

/** The request's intent, or the page's messages for what is still missing. */
export function intentOf(draft: IntentDraft): { intent: Intent } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!draft.purpose) errors.purpose = '请选择开户用途';
  // The API would answer an unticked declaration with a rejection; the page asks first.
  if (!draft.declaresNoRentOrSale) errors.declaration = '开立账户须本人阅读并勾选以上承诺';
  if (!draft.purpose || Object.keys(errors).length) return { errors };
  return { intent: { purpose: draft.purpose, declaresNoRentOrSale: true } };
}

export function IntentStep(props: {
  legend: string;
  value: IntentDraft;
  onChange(v: IntentDraft): void;
  errors: Record<string, string>;
}) {
  const { value, onChange, errors } = props;
  return (
    <fieldset class="intent">
      <legend>{props.legend}</legend>
      <div
        class="field"
        role="radiogroup"
        aria-labelledby="purpose-label"
        aria-describedby={errors.purpose ? 'purpose-error' : undefined}
      >
        <span id="purpose-label" class="label">
          开户用途
        </span>
        <div class="purposes">
          {(Object.entries(PURPOSES) as [OpeningPurpose, string][]).map(([purpose, text]) => (
            <label class="inline" key={purpose}>
              <input
                type="radio"
                name="purpose"
                value={purpose}
                checked={value.purpose === purpose}
                aria-invalid={errors.purpose ? true : undefined}
                onChange={() => onChange({ ...value, purpose })}
              />
              {text}
            </label>
          ))}
        </div>
        {errors.purpose && (
          <p id="purpose-error" class="field-error">
            {errors.purpose}
          </p>
        )}
      </div>
      <p id="law-warning" class="warning">
        {LAW_WARNING}
      </p>
      <div class="field">
        <label class="inline declaration">
          <input
            id="declaration"
            name="declaration"
            type="checkbox"
            checked={value.declaresNoRentOrSale}
            aria-invalid={errors.declaration ? true : undefined}
            aria-describedby={['law-warning', errors.declaration && 'declaration-error']
              .filter(Boolean)
              .join(' ')}
            onChange={(e) => onChange({ ...value, declaresNoRentOrSale: e.currentTarget.checked })}
          />
          <span>{DECLARATION}</span>
        </label>
        {errors.declaration && (
          <p id="declaration-error" class="field-error">
            {errors.declaration}
          </p>
        )}
      </div>
    </fieldset>
  );
}
