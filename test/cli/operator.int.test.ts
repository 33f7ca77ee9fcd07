/** The operator command line in-process, over real HTTP to the API on the real stack. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ReviewCase, type ReviewSummary } from '../../sdk/client';
import { type Harness, startHarness } from '../support/harness';
import { eventually, newPhotos, openWithReview } from '../support/review';
import { listenApi, runOperatorAt, tokenOf } from './http-api';

let h: Harness;
let api: FastifyInstance;
let url: string;
beforeAll(async () => {
  h = await startHarness();
  ({ api, url } = await listenApi(h));
});
afterAll(async () => {
  await api?.close();
  await h?.stop();
});

const operator = (args: string[], env?: NodeJS.ProcessEnv) => runOperatorAt(url, args, env);

const asOperator = (id: string) => ['--token', tokenOf(id)];

describe('an operator works a case from the queue to cleared', () => {
  it('lists, shows, rejects, and after re-submission a second operator approves', async () => {
    const { req, reviewId, accountNumber } = await openWithReview(h);

    const queued = await eventually(
      () => operator(['queue', '--status', 'PENDING', '--limit', '500', '--json']),
      (r) => r.code === 0 && (JSON.parse(r.out) as ReviewSummary[]).some((c) => c.reviewId === reviewId),
    );
    expect(queued.code).toBe(0);
    // Fields may grow (the console's due time, claim, flow version): these hold.
    expect((JSON.parse(queued.out) as ReviewSummary[]).find((c) => c.reviewId === reviewId)).toMatchObject({
      reviewId,
      accountNumber,
      status: 'PENDING',
      round: 1,
      reasons: ['ID_IMAGE_BLURRED'],
      escalated: false,
      hold: 'NONE',
    });

    const ids = async (...filter: string[]) => {
      const r = await operator(['queue', ...filter, '--limit', '500', '--json']);
      return (JSON.parse(r.out) as ReviewSummary[]).map((c) => c.reviewId);
    };
    expect(await ids('--status', 'PENDING', '--escalated')).not.toContain(reviewId);
    expect(await ids('--hold', 'RECEIVE_ONLY')).not.toContain(reviewId);
    expect(await ids('--hold', 'NONE', '--reason', 'ID_IMAGE_BLURRED')).toContain(reviewId);

    const table = await operator([
      'queue',
      '--status',
      'PENDING',
      '--reason',
      'ID_IMAGE_BLURRED',
      '--limit',
      '500',
    ]);
    expect(table.out.split('\n')[0]).toMatch(
      /^REVIEW\s+ACCOUNT\s+STATUS\s+ROUND\s+ESCALATED\s+HOLD\s+REASONS$/,
    );
    const row = table.out.split('\n').find((l) => l.startsWith(reviewId));
    expect(row?.split(/\s+/)).toEqual([
      reviewId,
      accountNumber,
      'PENDING',
      '1',
      'no',
      'NONE',
      'ID_IMAGE_BLURRED',
    ]);

    const shown = await operator(['show', reviewId]);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^round\s+1$/m);
    expect(shown.out).toMatch(/^reasons\s+ID_IMAGE_BLURRED$/m);
    expect(shown.out).toMatch(/^Decisions\nnone yet$/m);

    const noNote = await operator(['reject', reviewId, '--round', '1', '--reason', 'DOCUMENT_ILLEGIBLE']);
    expect(noNote.code).toBe(2);
    expect(noNote.err).toContain('body.note (--note): is required when rejecting');
    expect((await h.reviews.get(reviewId)).decisions).toEqual([]);

    const rejected = await operator([
      'reject',
      reviewId,
      '--round',
      '1',
      '--reason',
      'DOCUMENT_ILLEGIBLE',
      '--note',
      'glare covers the number',
      ...asOperator('op-alice'),
    ]);
    expect(rejected).toMatchObject({ code: 0, err: '' });
    expect(rejected.out).toContain('AWAITING_RESUBMISSION');
    expect(await h.reviews.get(reviewId)).toMatchObject({
      status: 'AWAITING_RESUBMISSION',
      hold: 'RECEIVE_ONLY',
      decisions: [expect.objectContaining({ round: 1, decision: 'REJECT', operator: 'op-alice' })],
    });

    const app = new ApiClient({ baseUrl: url, token: tokenOf('test-app') });
    expect(await app.resubmitIdDocuments(accountNumber, await newPhotos(h, req.applicant))).toEqual({
      reviewId,
      round: 2,
      accepted: true,
      reasons: [],
    });

    const stale = await operator(
      ['approve', reviewId, '--round', '1', '--reason', 'RESUBMITTED_DOCUMENT_VERIFIED'],
      { OPERATOR_TOKEN: tokenOf('op-bob') },
    );
    expect(stale.code).toBe(2);
    expect(stale.err).toMatch(/^error: 409 Conflict: /);

    const approve = ['approve', reviewId, '--round', '2', '--reason', 'RESUBMITTED_DOCUMENT_VERIFIED'];
    const sameOperator = await operator([...approve, ...asOperator('op-alice')]);
    expect(sameOperator.code).toBe(2);
    expect(sameOperator.err).toMatch(/^error: 403 Forbidden: /);
    expect((await h.reviews.get(reviewId)).status).toBe('PENDING');

    const cleared = await operator([...approve, '--json', ...asOperator('op-bob')]);
    expect(cleared.code).toBe(0);
    const after = JSON.parse(cleared.out) as ReviewCase;
    expect(after).toMatchObject({ status: 'CLEARED', hold: 'NONE', round: 2 });
    expect(after.decisions.map((d) => [d.round, d.decision, d.reasonCode, d.operator])).toEqual([
      [1, 'REJECT', 'DOCUMENT_ILLEGIBLE', 'op-alice'],
      [2, 'APPROVE', 'RESUBMITTED_DOCUMENT_VERIFIED', 'op-bob'],
    ]);

    const history = await operator(['show', reviewId], { OPERATOR_TOKEN: tokenOf('op-bob') });
    expect(history.code).toBe(0);
    const lines = history.out.split('\n');
    const first = lines.find((l) => /^1\s+REJECT\s/.test(l));
    expect(first?.split(/\s{2,}/)).toEqual([
      '1',
      'REJECT',
      '-',
      'DOCUMENT_ILLEGIBLE',
      'op-alice',
      after.decisions[0]?.decidedAt,
      'review-rules-2026-11',
      'glare covers the number',
    ]);
    expect(lines.find((l) => /^2\s+APPROVE\s/.test(l))).toMatch(
      /RESUBMITTED_DOCUMENT_VERIFIED\s+op-bob\s.*\s-$/,
    );
    expect(history.out).toMatch(/^Re-submissions\nROUND\s+AT\s+ACCEPTED\s+REASONS\n1\s+\S+\s+yes\s+-$/m);
  });
});

describe('closing an account: an operator proposes, a supervisor confirms', () => {
  it("refuses the proposer's own confirmation and an operator's (403), closes on a supervisor's, and shows each step", async () => {
    const { reviewId } = await openWithReview(h);
    const close = ['close', reviewId, '--round', '1', '--reason', 'CUSTOMER_UNREACHABLE'];

    const noNote = await operator(close);
    expect(noNote.code).toBe(2);
    expect(noNote.err).toContain('body.note (--note): is required when closing the account');

    const proposed = await operator([
      ...close,
      '--note',
      'three calls unanswered',
      ...asOperator('op-alice'),
    ]);
    expect(proposed).toMatchObject({ code: 0, err: '' });
    expect(proposed.out).toBe(
      `${reviewId}: round 1 CLOSE_ACCOUNT by op-alice (CUSTOMER_UNREACHABLE) -> AWAITING_SECOND_DECISION, hold NONE\n` +
        '  takes effect once confirmed by a supervisor sending CLOSE_ACCOUNT on round 1\n',
    );

    const shown = await operator(['show', reviewId]);
    expect(shown.out).toMatch(/^status\s+AWAITING_SECOND_DECISION$/m);
    expect(shown.out).toMatch(/^Awaiting second decision\nFIELD\s+VALUE\ndecision\s+CLOSE_ACCOUNT\n/m);
    expect(shown.out).toMatch(/^proposed by\s+op-alice$/m);
    expect(shown.out).toMatch(
      /^confirmed by\s+a supervisor sending CLOSE_ACCOUNT on round 1 \(`operator close`\); not op-alice$/m,
    );
    expect(shown.out).toMatch(/^1\s+CLOSE_ACCOUNT\s+first\s+CUSTOMER_UNREACHABLE\s+op-alice\s/m);

    const queued = await eventually(
      () => operator(['queue', '--status', 'AWAITING_SECOND_DECISION', '--limit', '500']),
      (r) => r.out.includes(reviewId),
    );
    expect(
      queued.out
        .split('\n')
        .find((l) => l.startsWith(reviewId))
        ?.split(/\s+/),
    ).toContain('AWAITING_SECOND_DECISION');

    const confirm = [...close, '--note', 'call log checked'];
    const own = await operator([...confirm, ...asOperator('op-alice')]);
    expect(own.code).toBe(2);
    expect(own.err).toBe(
      'error: 403 Forbidden: op-alice made the first decision on round 1: someone else decides now [SAME_OPERATOR]\n',
    );
    const notSupervisor = await operator([...confirm, ...asOperator('op-bob')]);
    expect(notSupervisor.code).toBe(2);
    expect(notSupervisor.err).toBe(
      'error: 403 Forbidden: CLOSE_ACCOUNT takes effect when a supervisor confirms it [SUPERVISOR_REQUIRED]\n',
    );
    expect((await h.reviews.get(reviewId)).status).toBe('AWAITING_SECOND_DECISION');

    const closed = await operator([...confirm, ...asOperator('sup-carol')]);
    expect(closed).toMatchObject({ code: 0, err: '' });
    expect(closed.out).toBe(
      `${reviewId}: round 1 CLOSE_ACCOUNT by sup-carol (supervisor) (CUSTOMER_UNREACHABLE) -> CLOSED, hold NONE\n`,
    );

    const after = await operator(['show', reviewId]);
    expect(after.out).toMatch(/^status\s+CLOSED$/m);
    expect(after.out).not.toContain('Awaiting second decision');
    expect(after.out).toMatch(
      /^1\s+CLOSE_ACCOUNT\s+second\s+CUSTOMER_UNREACHABLE\s+sup-carol \(supervisor\)\s.*call log checked$/m,
    );
  });
});

describe('refusals and failures', () => {
  it('refuses bad usage before calling the API, with exit code 2', async () => {
    const badReason = await operator([
      'approve',
      'review-x',
      '--round',
      '1',
      '--reason',
      'DOCUMENT_ILLEGIBLE',
    ]);
    expect(badReason.code).toBe(2);
    expect(badReason.err).toContain('must be one of DOCUMENT_LEGIBLE_ON_INSPECTION');

    const noRound = await operator(['reject', 'review-x', '--reason', 'OTHER', '--note', 'n']);
    expect(noRound.code).toBe(2);
    expect(noRound.err).toContain("required option '--round <n>' not specified");

    expect((await operator(['queue', '--status', 'OPEN'])).code).toBe(2);
  });

  it('answers a malformed review id with the field and exit code 2', async () => {
    const shown = await operator(['show', 'not-a-review']);
    expect(shown.code).toBe(2);
    expect(shown.err).toContain('params.reviewId (<reviewId>): must be a reviewId');
  });

  it('takes the operator identity from the token: unknown tokens and other roles are refused', async () => {
    const unknown = await operator(['queue'], { OPERATOR_TOKEN: 'not-a-known-token-0123456789' });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^error: 401 Unauthorized/);

    const app = await operator(['queue', ...asOperator('test-app')]);
    expect(app.code).toBe(2);
    expect(app.err).toMatch(/^error: 403 Forbidden: the app role may not call this/);
  });

  it('defaults to the first operator token of the configuration', async () => {
    const configured = `op-bob=${tokenOf('op-bob')},op-alice=${tokenOf('op-alice')}`;
    const listed = await operator(['queue', '--json'], { OPERATOR_TOKENS: configured });
    expect(listed.code).toBe(0);
    expect(Array.isArray(JSON.parse(listed.out))).toBe(true);
  });

  it('exits 1 when the API cannot be reached', async () => {
    const down = await operator(['queue', '--api-url', 'http://127.0.0.1:1']);
    expect(down.code).toBe(1);
    expect(down.err).toContain('cannot reach the API at http://127.0.0.1:1');
    expect((await operator(['queue', '--api-url', '127.0.0.1:8080'])).code).toBe(2);
  });

  it('lists the reason codes of each decision in its help', async () => {
    const approveHelp = await operator(['approve', '--help']);
    expect(approveHelp.code).toBe(0);
    expect(approveHelp.out).toContain('Reason codes for approve:\n  DOCUMENT_LEGIBLE_ON_INSPECTION\n');
    expect(approveHelp.out).not.toContain('DOCUMENT_ILLEGIBLE');

    const rejectHelp = await operator(['reject', '--help']);
    expect(rejectHelp.out).toContain('PHOTO_DOES_NOT_MATCH_APPLICANT');
    expect(rejectHelp.out).not.toContain('RESUBMITTED_DOCUMENT_VERIFIED');
  });

  it("lists the close and fraud reason codes in their help, says a supervisor confirms, and refuses the other kind's codes", async () => {
    const closeHelp = await operator(['close', '--help']);
    expect(closeHelp.code).toBe(0);
    expect(closeHelp.out).toContain(
      'Reason codes for close:\n  CUSTOMER_UNREACHABLE\n  IDENTITY_NOT_ESTABLISHED\n  CUSTOMER_REQUESTED\n  FROZEN_PAST_DEADLINE\n',
    );
    expect(closeHelp.out).toContain('once a supervisor sends the same decision');
    expect(closeHelp.out).toContain('operator close review-5f0c... --round 1 --reason CUSTOMER_UNREACHABLE');

    const fraudHelp = await operator(['fraud', '--help']);
    expect(fraudHelp.out).toContain(
      'Reason codes for fraud:\n  IDENTITY_THEFT\n  FORGED_DOCUMENT\n  ACCOUNT_RENTED_OR_SOLD\n',
    );
    expect(fraudHelp.out).not.toContain('CUSTOMER_UNREACHABLE');

    const wrongKind = await operator([
      'fraud',
      'review-x',
      '--round',
      '1',
      '--reason',
      'CUSTOMER_UNREACHABLE',
      '--note',
      'n',
    ]);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.err).toContain('must be one of IDENTITY_THEFT, FORGED_DOCUMENT, ACCOUNT_RENTED_OR_SOLD');

    const top = await operator(['--help']);
    expect(top.out).toMatch(
      /^\s+close \[options\] <reviewId>\s+Propose, or as a supervisor confirm, closing/m,
    );
    expect(top.out).toMatch(/^\s+fraud \[options\] <reviewId>\s+Propose, or as a supervisor confirm, that/m);
  });
});
