/**
 * Creates, lists and updates Amazon Marketing Stream subscriptions (`/streams/subscriptions`, marketing-stream.json)
 * for an advertiser's profile and a dataset, delivering to an SQS queue. The local row is written first with the
 * `clientRequestToken` sent upstream: the Ads client retries a lost answer or a 429 with the same token (Amazon
 * answers the same subscription), and a person resubmitting after a 429 sends the same token again. A 409 (the
 * token on another request, or that dataset already delivered to that queue) is the upstream's refusal, shown as is.
 */
import { randomUUID } from 'node:crypto';
import type { CreateStreamSubscriptionBody, StreamSubscription, UpdateStreamSubscriptionBody } from '@recdesk/shared-types';
import type { Selectable } from 'kysely';
import type { Logger } from 'pino';
import { AdsApiError, type AdsClient } from '../ads-client/ads-client.ts';
import type { ProfileDirectory } from '../apply/profile-directory.ts';
import type { Db } from '../db/database.ts';
import type { StreamSubscriptionsTable } from '../db/schema.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/domain-errors.ts';
import { AppError, UpstreamError } from '../http/errors.ts';

export const STREAM_SUBSCRIPTIONS_MEDIA_TYPE = 'application/vnd.amazonmarketingstreamsubscriptions.v1+json';

export interface StreamSubscriptionDeps {
  db: Db;
  client: AdsClient;
  profiles: Pick<ProfileDirectory, 'get'>;
  now: () => Date;
  log: Logger;
}

function toSubscription(row: Selectable<StreamSubscriptionsTable>): StreamSubscription {
  return {
    id: row.id,
    advertiserId: row.advertiser_id,
    profileId: row.profile_id,
    dataSetId: row.data_set_id,
    destinationArn: row.destination_arn,
    notes: row.notes,
    status: row.status,
    upstreamSubscriptionId: row.upstream_subscription_id,
    clientRequestToken: row.client_request_token,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    lastError: row.last_error,
  };
}

function upstreamMessage(error: AdsApiError): string {
  const body = error.body as { message?: unknown; details?: unknown } | null;
  return String(body?.message ?? body?.details ?? error.details ?? error.message);
}

export class StreamSubscriptionService {
  constructor(private readonly deps: StreamSubscriptionDeps) {}

  async list(advertiserId?: string): Promise<StreamSubscription[]> {
    let query = this.deps.db.selectFrom('stream_subscriptions').selectAll().orderBy('created_at', 'desc');
    if (advertiserId) query = query.where('advertiser_id', '=', advertiserId);
    return (await query.execute()).map(toSubscription);
  }

  async create(body: CreateStreamSubscriptionBody, createdBy: string): Promise<StreamSubscription> {
    const { db, client, now } = this.deps;
    const profile = await this.deps.profiles.get(body.profileId).catch(() => null);
    if (!profile)
      throw new InvalidInputError('unknown-profile', 'Unknown profile', `Profile ${body.profileId} is not among the accessible profiles.`);
    if (profile.accountId !== body.advertiserId)
      throw new InvalidInputError(
        'profile-of-another-advertiser',
        'Profile of another advertiser',
        `Profile ${body.profileId} is not advertiser ${body.advertiserId}'s.`,
      );
    const token = body.clientRequestToken ?? randomUUID();
    let row = await db.selectFrom('stream_subscriptions').selectAll().where('client_request_token', '=', token).executeTakeFirst();
    if (row?.upstream_subscription_id) return toSubscription(row);
    if (!row) {
      const at = now();
      row = await db
        .insertInto('stream_subscriptions')
        .values({
          id: randomUUID(),
          advertiser_id: body.advertiserId,
          profile_id: body.profileId,
          region: profile.region,
          data_set_id: body.dataSetId,
          destination_arn: body.destinationArn,
          notes: body.notes ?? null,
          status: 'REQUESTED',
          upstream_subscription_id: null,
          client_request_token: token,
          created_by: createdBy,
          created_at: at,
          updated_at: at,
          last_error: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const id = row.id;
    try {
      const answer = await client.request({
        region: profile.region,
        method: 'POST',
        path: '/streams/subscriptions',
        auth: { kind: 'profile', profileId: body.profileId },
        contentType: STREAM_SUBSCRIPTIONS_MEDIA_TYPE,
        accept: STREAM_SUBSCRIPTIONS_MEDIA_TYPE,
        body: {
          clientRequestToken: token,
          dataSetId: body.dataSetId,
          destinationArn: body.destinationArn,
          ...(body.notes ? { notes: body.notes } : {}),
        },
        endpoint: 'streams.subscriptions.create',
        // The token makes a repeat harmless: Amazon answers the subscription the first attempt created.
        idempotent: true,
      });
      const subscriptionId = String((answer.body as { subscriptionId?: unknown } | null)?.subscriptionId ?? '');
      if (!subscriptionId) throw new UpstreamError('Amazon accepted the subscription without naming it');
      const status = await this.upstreamStatus(profile.region, body.profileId, subscriptionId).catch(() => 'PROVISIONING');
      return this.save(id, { upstream_subscription_id: subscriptionId, status, last_error: null });
    } catch (error) {
      throw await this.refused(id, error, true);
    }
  }

  async update(id: string, body: UpdateStreamSubscriptionBody): Promise<StreamSubscription> {
    const row = await this.deps.db.selectFrom('stream_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('Stream subscription', id);
    if (!row.upstream_subscription_id)
      throw new ConflictError('Amazon never accepted this subscription: there is nothing to change upstream.');
    try {
      await this.deps.client.request({
        region: row.region as never,
        method: 'PUT',
        path: `/streams/subscriptions/${encodeURIComponent(row.upstream_subscription_id)}`,
        auth: { kind: 'profile', profileId: row.profile_id },
        contentType: STREAM_SUBSCRIPTIONS_MEDIA_TYPE,
        accept: STREAM_SUBSCRIPTIONS_MEDIA_TYPE,
        body,
        endpoint: 'streams.subscriptions.update',
        idempotent: true,
      });
    } catch (error) {
      throw await this.refused(id, error, false);
    }
    return this.save(id, {
      ...(body.notes !== undefined ? { notes: body.notes } : {}),
      ...(body.status ? { status: body.status } : {}),
      last_error: null,
    });
  }

  private async upstreamStatus(region: string, profileId: string, subscriptionId: string): Promise<string> {
    const answer = await this.deps.client.request({
      region: region as never,
      method: 'GET',
      path: `/streams/subscriptions/${encodeURIComponent(subscriptionId)}`,
      auth: { kind: 'profile', profileId },
      accept: STREAM_SUBSCRIPTIONS_MEDIA_TYPE,
      endpoint: 'streams.subscriptions.get',
    });
    return String((answer.body as { subscription?: { status?: unknown } } | null)?.subscription?.status ?? 'PROVISIONING');
  }

  private async save(id: string, changes: Partial<Selectable<StreamSubscriptionsTable>>): Promise<StreamSubscription> {
    const row = await this.deps.db
      .updateTable('stream_subscriptions')
      .set({ ...changes, updated_at: this.deps.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSubscription(row);
  }

  /** Records why upstream refused and turns it into the answer: 409 as a conflict, 429 as "try again", else 502. */
  private async refused(id: string, error: unknown, creating: boolean): Promise<Error> {
    if (!(error instanceof AdsApiError)) return error as Error;
    const message = upstreamMessage(error);
    this.deps.log.warn({ err: error, subscription: id }, 'Amazon refused a Stream subscription request');
    if (error.status === 429) {
      await this.save(id, { last_error: `throttled by Amazon: ${message}` });
      return new AppError(
        503,
        'upstream-throttled',
        'Amazon is throttling Stream subscription requests',
        `${message}. Try again in a minute: the same request token is sent, so nothing is created twice.`,
      );
    }
    await this.save(id, { ...(creating ? { status: 'FAILED' } : {}), last_error: message });
    if (error.status === 409) return new ConflictError(`Amazon refused: ${message}`);
    return new UpstreamError(`Amazon answered ${error.status}: ${message}`);
  }
}
