/** Chinese names for the codes the API answers; the code itself stays visible beside them. */
import type * as z from 'zod';
import type {
  approveReasonSchema,
  closeReasonSchema,
  fraudReasonSchema,
  rejectReasonSchema,
} from '../../domain/review';
import type { DecisionRequest } from '../../sdk/index';

/** Every reason code of a kind of decision, and none of another's: the compiler checks each table. */
type ReasonNames<S extends z.ZodEnum> = Record<z.infer<S>, string>;

export const STATUS: Record<string, string> = {
  PENDING: '待审核',
  AWAITING_SECOND_DECISION: '待复核',
  ACTION_PENDING: '核心系统处理中',
  AWAITING_RESUBMISSION: '待重新上传',
  CLEARED: '已结案',
  CLOSED: '已销户',
  FRAUD_CONFIRMED: '确认欺诈',
};

export const HOLD: Record<string, string> = {
  NONE: '无限制',
  RECEIVE_ONLY: '只收不付',
  FROZEN: '不收不付（冻结）',
};

export const ACCOUNT_STATUS: Record<string, string> = {
  ACTIVE: '正常',
  RECEIVE_ONLY: '只收不付',
  FROZEN: '冻结',
  CLOSED: '已销户',
};

export const CHANNEL: Record<string, string> = { OWN_APP: '本行 App', PARTNER: '合作行' };

export const REASON: Record<string, string> = {
  ID_NOT_AN_ID_CARD: '非身份证',
  ID_CARD_EXPIRED: '证件过期',
  ID_DATA_MISMATCH: '证件信息不符',
  ID_IMAGE_OCCLUDED: '照片遮挡',
  ID_IMAGE_BLURRED: '照片模糊',
  ID_IMAGE_GLARE: '照片反光',
  ID_IMAGE_PARTLY_UNREADABLE: '部分无法识别',
  IDENTITY_MISMATCH: '身份不符',
  IDENTITY_NOT_FOUND: '身份未查到',
  WATCHLIST_POSSIBLE_MATCH: '名单疑似命中',
  WATCHLIST_CONFIRMED_MATCH: '名单命中',
  CARD_MISMATCH: '卡信息不符',
  CARD_PHONE_MISMATCH: '预留手机号不符',
  CARD_NOT_PRESENT_PAYMENT_NOT_ENABLED: '无卡支付未开通',
  CARD_REPORTED_LOST: '卡已挂失',
  CARD_EXPIRED: '卡已过期',
  CARD_RESTRICTED: '卡受限',
  CARD_PIN_TRIES_EXCEEDED: '密码错误次数过多',
  CARD_DAILY_CHECKS_EXCEEDED: '当日验证次数过多',
  FACE_BORDERLINE: '人脸比对临界',
  FACE_MISMATCH: '人脸不符',
  FACE_SPOOF: '疑似假体',
  SMS_CODE_TRIES_EXHAUSTED: '验证码次数用尽',
  SMS_CODE_EXPIRED: '验证码过期',
  SMS_CODE_NOT_SUBMITTED: '未提交验证码',
  ID_RESUBMITTED: '已重新上传证件',
  RESUBMISSIONS_EXHAUSTED: '重新上传次数用尽',
  PERSON_ACCOUNT_CAP_REACHED: '开户数达上限',
  INTENT_NOT_CONFIRMED: '未确认开户意愿',
  PUNISHMENT_LISTED: '惩戒名单在列',
  LINKED_APPLICANTS: '同设备或手机号多人申请',
};

export const STEP: Record<string, string> = {
  ID_DOCUMENT: '身份证照片',
  IDENTITY: '身份核验',
  WATCHLIST: '名单筛查',
  CARD_FOUR_ELEMENTS: '银联四要素',
  CARD_THREE_ELEMENTS: '银联三要素',
  FACE: '人脸识别',
  INTENT: '开户意愿',
  PUNISHMENT_LIST: '惩戒名单',
  LINKED_APPLICANTS: '关联申请',
  SMS_CODE: '短信验证码',
  OPEN_ACCOUNT: '开户',
};

/** Flow v4: what the applicant said the account is for, and the device they applied from. */
export const PURPOSE: Record<string, string> = {
  SAVINGS: '储蓄',
  WEALTH: '理财',
  PAYMENTS: '支付',
  SALARY: '工资',
  OTHER: '其他',
};
export const PLATFORM: Record<string, string> = {
  IOS: 'iOS',
  ANDROID: 'Android',
  HARMONY: '鸿蒙',
  WEB: '网页',
};
export const RISK_RATING: Record<string, string> = { LOW: '低风险', MEDIUM: '中风险', HIGH: '高风险' };

export const OUTCOME: Record<string, string> = { PASS: '通过', REVIEW: '需复核', REJECT: '拒绝' };

/** The risk-life lists beside the queue (re-verifications.tsx), in the tabs' order. */
export const RISK_LIFE_LIST = {
  DUE: '待重新核验',
  OVERDUE: '逾期（只收不付）',
  APPEALED: '申诉（待决定）',
} as const;

/** A bank restriction's category and status, for staff (domain/bank-restrictions.ts). */
export const RESTRICTION_CATEGORY: Record<string, string> = {
  SUSPECTED_FRAUD: '涉嫌诈骗',
  SUSPECTED_ACCOUNT_TRADING: '涉嫌买卖账户',
  OTHER: '其他',
};
export const RESTRICTION_STATUS: Record<string, string> = {
  PROPOSED: '待主管确认',
  EXPIRED: '已失效',
  IN_FORCE: '限制中',
  RE_VERIFYING: '申诉核验中',
  APPEALED: '申诉待决定',
  UPHELD: '维持限制',
  LIFTED: '已解除',
};

/** Why a re-verification failed, by class (domain/re-verification-outcomes.ts). */
export const FAILURE_CLASS: Record<string, string> = {
  INTENT: '未确认开户意愿',
  ID_DOCUMENT: '证件照片无法识别',
  IDENTITY: '非本人证件或身份不符',
  FACE: '人脸未通过',
};

export const APPROVE_REASONS: ReasonNames<typeof approveReasonSchema> = {
  DOCUMENT_LEGIBLE_ON_INSPECTION: '人工查看证件清晰',
  IDENTITY_CONFIRMED_BY_CALL: '电话核实身份',
  RESUBMITTED_DOCUMENT_VERIFIED: '重新上传证件已核实',
};

export const REJECT_REASONS: ReasonNames<typeof rejectReasonSchema> = {
  DOCUMENT_ILLEGIBLE: '证件无法辨认',
  DOCUMENT_SUSPECTED_ALTERED: '疑似篡改',
  PHOTO_DOES_NOT_MATCH_APPLICANT: '照片与申请人不符',
  OTHER: '其他',
};

export const CLOSE_REASONS: ReasonNames<typeof closeReasonSchema> = {
  CUSTOMER_UNREACHABLE: '无法联系客户',
  IDENTITY_NOT_ESTABLISHED: '无法确认身份',
  CUSTOMER_REQUESTED: '客户申请销户',
  FROZEN_PAST_DEADLINE: '冻结逾期未补件',
};

export const FRAUD_REASONS: ReasonNames<typeof fraudReasonSchema> = {
  IDENTITY_THEFT: '冒用他人身份',
  FORGED_DOCUMENT: '伪造证件',
  ACCOUNT_RENTED_OR_SOLD: '出租、出借或买卖账户',
};

export type DecisionKind = DecisionRequest['decision'];

/** Each decision: its name, the reasons it may give (the API's `reasonsFor`) and its usual one. */
export const DECISION: Record<DecisionKind, { name: string; reasons: Record<string, string> }> = {
  APPROVE: { name: '批准', reasons: APPROVE_REASONS },
  REJECT: { name: '驳回', reasons: REJECT_REASONS },
  CLOSE_ACCOUNT: { name: '销户', reasons: CLOSE_REASONS },
  CONFIRM_FRAUD: { name: '确认欺诈', reasons: FRAUD_REASONS },
};

/** What core banking has yet to do for an ACTION_PENDING case, and why its last try failed. */
export const BANK_ACTION: Record<string, string> = {
  PLACE_HOLD: '设置账户限制',
  LIFT_HOLD: '解除账户限制',
  CLOSE_ACCOUNT: '销户',
};
export const BANK_ERROR: Record<string, string> = {
  REFUSED: '核心系统拒绝',
  UNAVAILABLE: '核心系统未在时限内应答',
  CONTRACT: '核心系统应答不符合接口约定',
};

export const label = (table: Record<string, string>, code: string): string => table[code] ?? code;
