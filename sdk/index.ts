/**
 * The TypeScript SDK of the account-opening API v1, for the bank's app and partner apps:
 * browser, Node 20+ and WebView alike (it uses fetch and Web Crypto, no Node built-ins).
 * See sdk/README.md.
 */
export {
  type AccountView,
  type AgreementCodeResult,
  type AgreementSigningView,
  type AgreementSummary,
  ApiClient,
  type ApiClientOptions,
  type ApplicationView,
  type AuditEntry,
  type CallerView,
  type CaseFile,
  type Claim,
  type CreateSessionInput,
  type Debit,
  type DebitRequestInput,
  type DecisionRequest,
  type Delivery,
  type FunnelPeriod,
  type FunnelRow,
  IN_FLIGHT_STATUSES,
  type Resubmission,
  type ResubmissionResult,
  type ReVerificationFunnel,
  type ReviewCase,
  type ReviewFilterInput,
  type ReviewPage,
  type ReviewSummary,
  type RiskLifeAccount,
  type RiskLifeListItem,
  type RiskLifeListPage,
  type RiskLifeListQuery,
  type SessionCreated,
  type SettledApplicationView,
  type SigningRequestInput,
  type StartApplicationInput,
  type StartOptions,
  StillCheckingError,
  type SubmitCodeResult,
  UnexpectedAnswerError,
} from './client';
export {
  ApiError,
  type FieldProblem,
  type Problem,
  type ProblemCode,
  UNKNOWN_PROBLEM_TYPE,
} from './errors';
export { type HttpMethod, pathOf, type Route, type RouteName, type RouteParams, routes } from './routes';
export type { WebhookEvent } from './schemas';
export * as schemas from './schemas';
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
  type WebhookRefusal,
  WebhookVerificationError,
} from './webhooks';
