/**
 * A fleet scenario's own database on the PostgreSQL server of TEST_DATABASE_URL: created empty (its processes migrate
 * it together), dropped at the end unless FLEET_KEEP_DATABASE=true keeps it for a look.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const fleetServerUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One short-lived connection: for the scenario's own questions, apart from the processes' pools. */
export async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface FleetDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createFleetDatabase(prefix: string): Promise<FleetDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(fleetServerUrl);
  url.pathname = `/${name}`;
  await admin(fleetServerUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (process.env.FLEET_KEEP_DATABASE === 'true') return;
      await admin(fleetServerUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch((error: Error) =>
        console.error(`could not drop ${name}: ${error.message}`),
      );
    },
  };
}
