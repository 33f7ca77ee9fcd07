/**
 * WEBHOOK_SECRET and PARTNER_WEBHOOK_SECRETS at load: a malformed `whsec_` secret is refused
 * naming its setting (apps could verify nothing signed with it), plain-text ones still load, and
 * the development defaults are `whsec_` secrets that production refuses.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../config';
import { productionProblems } from '../../config/production';
import { webhookKey } from '../../contracts/webhook-secret';

const whsec = (length: number) => `whsec_${Buffer.alloc(length, 0x5c).toString('base64')}`;

const refusal = (env: NodeJS.ProcessEnv): z.ZodError => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof z.ZodError) return err;
    throw err;
  }
  throw new Error('loaded');
};

describe('webhook secrets at load', () => {
  it('refuse a malformed whsec_ WEBHOOK_SECRET, naming the setting and not the secret', () => {
    for (const secret of [whsec(23), whsec(32).replace(/=$/, ''), `${whsec(30)}!`]) {
      const err = refusal({ WEBHOOK_SECRET: secret });
      expect(err.issues.map((i) => i.path)).toEqual([['WEBHOOK_SECRET']]);
      // What loadConfigOrExit prints.
      const printed = z.prettifyError(err);
      expect(printed).toContain('WEBHOOK_SECRET');
      expect(printed).toContain('whsec_');
      expect(printed).not.toContain(secret.slice(6, 20));
    }
  });

  it("refuse a partner's malformed whsec_ secret, naming the setting and the partner", () => {
    const err = refusal({
      PARTNER_WEBHOOK_SECRETS: `partner-demo=${whsec(32)},partner-x=${whsec(16)}`,
    });
    expect(err.issues).toEqual([
      expect.objectContaining({
        path: ['PARTNER_WEBHOOK_SECRETS'],
        message: expect.stringMatching(/^partner-x: a whsec_ secret must decode to 24 bytes or more/),
      }),
    ]);
  });

  it('load well-formed whsec_ secrets, and plain-text ones as before', () => {
    const config = loadConfig({
      WEBHOOK_SECRET: whsec(24),
      PARTNER_WEBHOOK_SECRETS: `partner-demo=${whsec(64)}`,
    });
    expect(config.webhookSecret).toBe(whsec(24));
    expect(config.partnerWebhooks['partner-demo']?.secret).toBe(whsec(64));
    const plain = loadConfig({
      WEBHOOK_SECRET: 'a-plain-text-secret-0123',
      PARTNER_WEBHOOK_SECRETS: 'partner-demo=a-plain-partner-secret-0123',
    });
    expect(plain.webhookSecret).toBe('a-plain-text-secret-0123');
    expect(plain.partnerWebhooks['partner-demo']?.secret).toBe('a-plain-partner-secret-0123');
  });

  it("default to whsec_ secrets of the former plain defaults' bytes, which production refuses", () => {
    const config = loadConfig({});
    const partner = config.partnerWebhooks['partner-demo']!.secret;
    expect(config.webhookSecret).toMatch(/^whsec_/);
    expect(partner).toMatch(/^whsec_/);
    // An app still holding a former default verifies what the new one signs.
    expect(webhookKey(config.webhookSecret)).toEqual(webhookKey('dev-webhook-secret-change-me'));
    expect(webhookKey(partner)).toEqual(webhookKey('dev-partner-demo-webhook-secret-change-me'));

    const problems = productionProblems({
      WEBHOOK_SECRET: config.webhookSecret,
      PARTNER_WEBHOOK_SECRETS: `partner-demo=${partner}`,
    });
    expect(problems).toContain('WEBHOOK_SECRET holds a development value');
    expect(problems).toContain('PARTNER_WEBHOOK_SECRETS holds a development value');
  });
});
