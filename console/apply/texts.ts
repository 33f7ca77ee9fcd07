/** What the page tells the customer: reasons and account statuses in plain words; where each field is. */

/** What a public reason means to the customer, in plain words. */
export const REASONS: Record<string, string> = {
  IDENTITY_NOT_VERIFIED: '无法核实您的身份信息，请确认姓名和身份证号填写正确。',
  CARD_NOT_VERIFIED: '银行卡验证未通过：请确认卡号、银行预留手机号正确，并且该卡已开通无卡支付。',
  DOCUMENT_NOT_ACCEPTED: '身份证照片未通过检查：可能不是身份证、证件已过期，或与填写的信息不一致。',
  FACE_NOT_VERIFIED: '人脸识别未通过。',
  UNDER_REVIEW: '您的资料需要人工复核；账户已开立，复核期间可以正常使用。',
  SMS_CODE_EXPIRED: '验证码已过期，请重新申请。',
  SMS_CODE_TRIES_EXHAUSTED: '验证码错误次数过多，本次申请已结束，请重新申请。',
  SMS_CODE_NOT_SUBMITTED: '未在规定时间内提交验证码，请重新申请。',
  ACCOUNT_LIMIT_REACHED: '您在本行开立的二类账户数量已达上限。',
  TRY_AGAIN_LATER: '今日验证次数过多，请明天再试。',
  ACCOUNT_OPENING_RESTRICTED:
    '根据相关规定，暂时无法为您开立账户。如有疑问，请携带本人身份证到本行网点咨询。',
  INTENT_NOT_CONFIRMED: '未确认开户用途及账户仅供本人使用的承诺，无法开户。',
};

export const reasonText = (r: string) => REASONS[r] ?? `申请未通过（${r}）。`;

export const ACCOUNT_STATUS: Record<string, string> = {
  ACTIVE: '正常，可以收款和付款',
  RECEIVE_ONLY: '只能收款，暂不能付款',
  FROZEN: '已冻结，暂不能收款和付款',
};

/** Where each request field the API may name is on the page. */
export const FIELD_IDS: Record<string, string> = {
  'body.applicant.name': 'name',
  'body.applicant.idNumber': 'idNumber',
  'body.applicant.mobile': 'mobile',
  'body.boundAccount.number': 'card',
  'body.documents.idFront': 'idFront',
  'body.documents.idBack': 'idBack',
  'body.intent.purpose': 'purpose',
  'body.intent.declaresNoRentOrSale': 'declaration',
};
