/**
 * The operator command line: work the review queue without the web, over HTTP API v1.
 *
 *   tsx cli/operator.ts queue --status PENDING
 *   tsx cli/operator.ts --help
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  approveReasonSchema,
  closeReasonSchema,
  type DecisionRequest,
  fraudReasonSchema,
  holdStateSchema,
  rejectReasonSchema,
  reviewStatusSchema,
} from '../domain/review';
import { reasonCodeSchema } from '../domain/steps';
import { ApiClient, ApiError, type ReviewFilterInput } from '../sdk/client';
import { apiUrlOf, DEFAULT_API_URL, resolveConnection } from './connection';
import { describeFailure, EXIT_REFUSED, HintedRefusal } from './failure';
import { renderAgreements, renderCase, renderDecided, renderFunnel, renderQueue } from './render';

export interface OperatorIo {
  /** Receives whole chunks, newlines included: what a stream's write would. */
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

interface GlobalFlags {
  apiUrl?: string;
  token?: string;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number from 1');
  return n;
};

const httpUrl = (value: string): string => {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new InvalidArgumentError('must be an http(s) URL such as http://127.0.0.1:8080');
  }
  return value;
};

/** A parser for a zod enum's values, for options whose choices are listed elsewhere in the help. */
const oneOf =
  <T extends string>(options: readonly T[]) =>
  (value: string): T => {
    const found = options.find((o) => o === value);
    if (!found) throw new InvalidArgumentError(`must be one of ${options.join(', ')}`);
    return found;
  };

/** Commander has checked these against the zod enums (choices, parsers) before an action runs. */
interface QueueFlags {
  status?: ReviewFilterInput['status'];
  escalated?: boolean;
  hold?: ReviewFilterInput['hold'];
  reason?: ReviewFilterInput['reason'];
  limit?: number;
  json?: boolean;
}

interface DecisionFlags {
  round: number;
  reason: DecisionRequest['reasonCode'];
  note?: string;
  json?: boolean;
}

/** How a proposal is confirmed: the same decision, by whom; said in each command's help. */
const SECOND_BY_SUPERVISOR =
  '\n\nIt takes effect once a supervisor sends the same decision on the same round (their token ' +
  'has the supervisor role): until then the case is AWAITING_SECOND_DECISION and the account is ' +
  'unchanged. Your confirmation of your own proposal is refused with 403, as is one from an ' +
  'operator who is not a supervisor; a different decision replaces the proposal.';

const DECISIONS = {
  approve: {
    decision: 'APPROVE',
    reasons: approveReasonSchema.options,
    description: 'Approve the open round: clears the case and lifts any payment hold',
    note: 'optional remark for the audit trail',
    examples: [
      'operator approve review-5f0c... --round 1 --reason DOCUMENT_LEGIBLE_ON_INSPECTION',
      'operator approve review-5f0c... --round 2 --reason RESUBMITTED_DOCUMENT_VERIFIED --note "new photos clear"',
    ],
    more:
      '\n\nWhoever rejected a round may not approve the next one (four eyes): that is refused with 403.' +
      ' A case opened for a possible watch-list match needs two approvals from different operators:' +
      ' the first leaves it AWAITING_SECOND_DECISION, the same approve from someone else clears it.',
  },
  reject: {
    decision: 'REJECT',
    reasons: rejectReasonSchema.options,
    description: 'Reject the open round: places a receive-only hold and asks the customer for new ID photos',
    // Required by the API's decision rules, which name the field when it is missing.
    note: 'required: what is wrong, for the customer follow-up and the next operator',
    examples: [
      'operator reject review-5f0c... --round 1 --reason DOCUMENT_ILLEGIBLE --note "glare covers the number"',
    ],
    more: undefined,
  },
  close: {
    decision: 'CLOSE_ACCOUNT',
    reasons: closeReasonSchema.options,
    description:
      'Propose, or as a supervisor confirm, closing the account: core banking closes it and returns the balance to the bound account',
    note: 'required: why the bank will not keep the account (calls made, what was asked)',
    examples: [
      'operator close review-5f0c... --round 1 --reason CUSTOMER_UNREACHABLE --note "three calls unanswered"',
      'OPERATOR_TOKEN=<supervisor token> operator close review-5f0c... --round 1 --reason CUSTOMER_UNREACHABLE --note "call log checked"',
    ],
    more: SECOND_BY_SUPERVISOR,
  },
  fraud: {
    decision: 'CONFIRM_FRAUD',
    reasons: fraudReasonSchema.options,
    description:
      'Propose, or as a supervisor confirm, that the account is fraud: it is frozen for good and the case marked reportable',
    note: 'required: the evidence, for the report to the authorities',
    examples: [
      'operator fraud review-5f0c... --round 1 --reason FORGED_DOCUMENT --note "the photo is a montage"',
      'OPERATOR_TOKEN=<supervisor token> operator fraud review-5f0c... --round 1 --reason FORGED_DOCUMENT --note "montage confirmed"',
    ],
    more: SECOND_BY_SUPERVISOR,
  },
} as const;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;

/**
 * The program, writing to `io` instead of the process so tests can run it in-process. Actions
 * throw on failure (ApiError and the like); runOperator turns that into output and an exit code.
 */
export function buildOperatorProgram(io: OperatorIo): Command {
  const program = new Command('operator')
    .description(
      "Work the account review queue over HTTP API v1: list, read and decide review cases; list an account's payment agreements and cancel one.",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .option('--api-url <url>', `the API's base URL (env API_URL; default ${DEFAULT_API_URL})`, httpUrl)
    .option(
      '--token <token>',
      'your operator or supervisor bearer token; decisions are recorded under its identity and role ' +
        '(env OPERATOR_TOKEN, preferred: flags show in process lists; ' +
        'default: the first development operator token from OPERATOR_TOKENS)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 2 refused (bad usage, invalid input, forbidden, stale round), 1 other failures.\n' +
        "A refusal's line ends with its code in brackets ([STALE_ROUND], [CLAIMED]...: domain/problem-codes.ts), for scripts to branch on.\n" +
        examples(
          'operator queue --status PENDING',
          'operator show review-5f0c...',
          'operator reject review-5f0c... --round 1 --reason DOCUMENT_ILLEGIBLE --note "glare covers the number"',
          'OPERATOR_TOKEN=... operator approve review-5f0c... --round 2 --reason RESUBMITTED_DOCUMENT_VERIFIED',
          'operator close review-5f0c... --round 1 --reason CUSTOMER_UNREACHABLE --note "three calls unanswered"',
          'operator queue --status AWAITING_SECOND_DECISION',
          'operator agreements 6230580000000001',
        ),
    );

  const client = () => new ApiClient(resolveConnection(program.opts<GlobalFlags>(), io.env));

  program
    .command('queue')
    .description('List review cases, filtered; visibility may lag a new case by a moment')
    .addOption(
      new Option('--status <status>', 'only cases in this status').choices(reviewStatusSchema.options),
    )
    .option('--escalated', 'only cases escalated for missing the operator SLA')
    .addOption(
      new Option('--hold <hold>', 'only accounts with this payment hold').choices(holdStateSchema.options),
    )
    .option(
      '--reason <code>',
      'only cases opened for this reason code, e.g. ID_IMAGE_BLURRED',
      oneOf(reasonCodeSchema.options),
    )
    .option('--limit <n>', 'at most this many cases (API default 100, at most 500)', positiveInt)
    .option('--json', 'print the cases as JSON')
    .addHelpText(
      'after',
      examples(
        'operator queue --status PENDING',
        'operator queue --status AWAITING_RESUBMISSION --hold FROZEN',
        'operator queue --status AWAITING_SECOND_DECISION',
        'operator queue --status ACTION_PENDING --json',
        'operator queue --escalated --reason ID_IMAGE_GLARE --json',
      ),
    )
    .action(async (opts: QueueFlags) => {
      const { json: asJson, escalated, ...filter } = opts;
      const reviews = await client().listReviews({ ...filter, escalated: escalated ? 'true' : undefined });
      io.out(asJson ? json(reviews) : renderQueue(reviews));
    });

  program
    .command('funnel')
    .description(
      'Where applicants drop out: per flow version and channel, each step reached, passed, rejected, abandoned',
    )
    .option('--json', 'print the figures as JSON')
    .addHelpText('after', examples('operator funnel', 'operator funnel --json'))
    .action(async (opts: { json?: boolean }) => {
      const rows = await client().funnel();
      io.out(opts.json ? json(rows) : renderFunnel(rows));
    });

  program
    .command('show')
    .description(
      'Show one case: its state, a proposal awaiting its second decision, what core banking has yet to do, every decision (who, when, why, rule version) and re-submissions',
    )
    .argument('<reviewId>', 'the case, e.g. review-<applicationId>')
    .option('--json', 'print the case as JSON')
    .addHelpText('after', examples('operator show review-5f0c...', 'operator show review-5f0c... --json'))
    .action(async (reviewId: string, opts: { json?: boolean }) => {
      const found = await client().getReview(reviewId);
      io.out(opts.json ? json(found) : renderCase(found));
    });

  program
    .command('agreements')
    .description(
      "List an account's payment agreements, oldest first, cancelled ones included: id, number, institution, scope, status, limits, payee",
    )
    .argument('<accountNumber>', 'the account, e.g. 6230580000000001')
    .option('--json', 'print the agreements as JSON')
    .addHelpText(
      'after',
      examples('operator agreements 6230580000000001', 'operator agreements 6230580000000001 --json') +
        '\n\nLimits are in yuan, as core banking enforces them on every debit. QUICK_PAY (协议支付) covers any ' +
        'merchant of the institution; ENTRUSTED (商业委托支付) one payee within a term.',
    )
    .action(async (accountNumber: string, opts: { json?: boolean }) => {
      const agreements = await client().listAgreements(accountNumber);
      io.out(opts.json ? json(agreements) : renderAgreements(accountNumber, agreements));
    });

  program
    .command('cancel-agreement')
    .description(
      'Cancel a payment agreement (解约), or a signing still waiting for its code: final, and debits under it are refused from then on',
    )
    .argument('<agreementId>', 'the agreement, agr-<32 hex digits> (see `agreements`)')
    .option('--json', 'print the answer as JSON')
    .addHelpText(
      'after',
      examples(
        'operator cancel-agreement agr-3f1c...',
        'OPERATOR_TOKEN=<the institution token> operator cancel-agreement agr-3f1c...',
      ) +
        "\n\nStaff (an operator's or supervisor's token: the cancel is recorded in the audit log under " +
        "their name), the agreement's institution and the app of its account may cancel it. " +
        'Cancelling again answers CANCELLED again.',
    )
    .action(async (agreementId: string, opts: { json?: boolean }) => {
      const answer = await client()
        .cancelAgreement(agreementId)
        .catch((err: unknown) => {
          throw hintedCancelRefusal(err);
        });
      io.out(opts.json ? json(answer) : `${agreementId}: ${answer.status}\n`);
    });

  for (const [name, spec] of Object.entries(DECISIONS)) {
    program
      .command(name)
      .description(spec.description)
      .argument('<reviewId>', 'the case, e.g. review-<applicationId>')
      .requiredOption(
        '--round <n>',
        'the round you reviewed (see `show`); a stale or decided round is refused with 409',
        positiveInt,
      )
      .requiredOption(
        '--reason <code>',
        `why you ${name}: one of the reason codes below`,
        oneOf(spec.reasons),
      )
      .option('--note <text>', spec.note)
      .option('--json', 'print the case after the decision as JSON')
      .addHelpText('after', `\nReason codes for ${name}:\n${spec.reasons.map((r) => `  ${r}`).join('\n')}`)
      .addHelpText('after', examples(...spec.examples) + (spec.more ?? ''))
      .action(async (reviewId: string, opts: DecisionFlags) => {
        const decided = await client().decide(reviewId, {
          round: opts.round,
          decision: spec.decision,
          reasonCode: opts.reason,
          note: opts.note,
        });
        io.out(opts.json ? json(decided) : renderDecided(decided));
      });
  }

  return program;
}

/** What a refused cancel means for whoever holds the token, since 403 and 404 alone do not say. */
function hintedCancelRefusal(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 404) {
    return new HintedRefusal(
      err,
      "no agreement with this id that this token may cancel: check the id (`operator agreements <accountNumber>`); another institution's or another app's agreement answers 404 too",
    );
  }
  return err;
}

/** Runs one command line (arguments after the program name) and answers the exit code. */
export async function runOperator(argv: readonly string[], io: OperatorIo): Promise<number> {
  const program = buildOperatorProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    // Commander has already printed its message (or the help).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_REFUSED;
    const failure = describeFailure(err, apiUrlOf(program.opts<GlobalFlags>(), io.env));
    io.err(failure.text);
    return failure.exitCode;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;

if (invokedDirectly) {
  process.exitCode = await runOperator(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
  });
}
