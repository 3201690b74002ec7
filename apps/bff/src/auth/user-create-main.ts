/**
 * `pnpm --filter @recdesk/bff user:create -- --email ann@agency.example --role approver --advertisers A1,A2`
 * (or `--all-advertisers`): creates a user in the configured database (DATABASE_URL, or the PGlite directory under
 * RECDESK_DATA_DIR: stop the server first, PGlite is single-process). The password is read from
 * RECDESK_NEW_USER_PASSWORD, or from the first line of standard input, never from the command line (shell history).
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CreateUserBodySchema } from '@recdesk/shared-types';
import { pino } from 'pino';
import { ConfigError, parseEnv } from '../config/env.ts';
import { type DatabaseTarget, migrate, openDatabase } from '../db/database.ts';
import { createAuth } from './auth.ts';

async function readPassword(): Promise<string> {
  if (process.env.RECDESK_NEW_USER_PASSWORD) return process.env.RECDESK_NEW_USER_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('Password (at least 12 characters): ');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'viewer' },
      advertisers: { type: 'string', default: '' },
      'all-advertisers': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const body = CreateUserBodySchema.safeParse({
    email: values.email,
    ...(values.name ? { name: values.name } : {}),
    role: values.role,
    password: await readPassword(),
    allAdvertisers: values['all-advertisers'],
    advertiserIds: values.advertisers
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  });
  if (!body.success) {
    for (const issue of body.error.issues) process.stderr.write(`${issue.path.join('.') || 'input'}: ${issue.message}\n`);
    return 1;
  }
  const target: DatabaseTarget = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL }
    : { kind: 'pglite', dataDir: `${env.RECDESK_DATA_DIR}/pglite` };
  const db = await openDatabase(target);
  try {
    await migrate(db);
    const auth = createAuth({
      db,
      log: pino({ level: 'warn' }),
      now: () => new Date(),
      config: {
        sessionSecrets: ['unused-by-this-command-unused-by-this'],
        sessionIdleHours: 1,
        sessionMaxAgeHours: 1,
        apiRateLimitPerMinute: 1,
      },
    });
    const user = await auth.users.create(body.data);
    await auth.audit.record({
      actor: 'cli:user:create',
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, role: user.role },
    });
    process.stdout.write(
      `Created ${user.role} ${user.email} (${user.allAdvertisers ? 'all advertisers' : user.advertiserIds.join(', ')})\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await db.destroy();
  }
}

process.exit(await main());
