/** Production's settings as a deployment sets them: what config/production.ts lets start. */
export const PRODUCTION_ENV: Readonly<NodeJS.ProcessEnv> = {
  NODE_ENV: 'production',
  APP_TOKENS: 'bank-app=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==',
  PARTNER_APP_TOKENS: '',
  OPERATOR_TOKENS: 'op-1=op-token-7f3c9a1e5b2d4c6e8a0b',
  SUPERVISOR_TOKENS: 'sup-1=sup-token-2b4d6f8a0c1e3a5c7e9b',
  ENGINEER_TOKENS: 'eng-1=eng-token-9e8d7c6b5a4f3e2d1c0b',
  WEBHOOK_SECRET: 'whsec-5f1e2d3c4b5a69788796a5b4',
  COUNTER_HMAC_KEY: 'hmac-0a1b2c3d4e5f60718293a4b5',
  DECISION_SIGNING_KEY: 'decisions-4c1d9e7f2a6b8c0d3e5f7a9b1c2d4e6f',
  AUDIT_CHECKPOINT_KEY: 'checkpoints-8e2f4a6c1b3d5e7f9a0b2c4d6e8f1a3b',
  ENCRYPTION_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  PROVIDERS_URL: 'https://providers.bank.example/',
  CORE_BANKING_URL: 'https://core.bank.example/',
  APP_WEBHOOK_URL: 'https://app.bank.example/webhooks',
  OPS_WEBHOOK_URL: 'https://ops.bank.example/webhooks',
  DATABASE_URL: 'postgres://account-opening@db.bank.example:5432/account_opening',
};
