/**
 * The Marketing Stream deliveries of the stream fleet scenario, as SQS message bodies: unique valid records of the two
 * urgent datasets (budget-usage, sp-budget-recommendations), some for advertisers RecDesk has never seen, part of them
 * wrapped in SNS envelopes as Stream delivers through SNS; duplicates (Stream delivers at least once: the same record
 * again, raw or enveloped, or the very same envelope twice); and malformed bodies of every kind a queue can hold.
 * Seeded: a run is repeated with its seed.
 */

export interface StreamMix {
  /** Every body, shuffled: what goes onto the queue. */
  bodies: string[];
  /** The unique valid records' bodies (one each; the duplicates are extra). */
  valid: string[];
  duplicates: string[];
  malformed: string[];
  /** Advertiser ids that appear nowhere but in their messages. */
  unknownAdvertisers: Set<string>;
}

const pad = (i: number) => String(i).padStart(7, '0');

function usage(i: number, advertiserId: string, at: string) {
  return {
    dataset_id: 'budget-usage',
    advertiser_id: advertiserId,
    marketplace_id: 'A1F83G8C2ARO7P',
    budget_scope_id: `71${pad(i)}`,
    budget_scope_type: 'CAMPAIGN',
    advertising_product_type: 'sp',
    budget: 50 + (i % 7),
    // At or over the alert threshold (90 %): each one is an urgent item.
    budget_usage_percentage: 90 + (i % 11),
    usage_updated_timestamp: at,
  };
}

function suggestion(i: number, advertiserId: string, at: string) {
  return {
    dataset_id: 'sp-budget-recommendations',
    advertiser_id: advertiserId,
    marketplace_id: 'A1F83G8C2ARO7P',
    campaign_id: `72${pad(i)}`,
    recommendation_time: at,
    reason_for_suggestion: 'Out of budget on 3 of the last 7 days.',
    start_date: at.slice(0, 10),
    end_date: at.slice(0, 10),
    suggested_budget: 80 + (i % 13),
  };
}

const sns = (record: unknown, id: string) =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: id,
    TopicArn: 'arn:aws:sns:eu-west-1:000000000000:stream',
    Message: JSON.stringify(record),
  });

function malformedBody(i: number, at: string): string {
  switch (i % 8) {
    case 0:
      return `{not json ${i}`;
    case 1:
      return `plain text delivery ${i}`;
    case 2:
      return JSON.stringify([{ dataset_id: 'budget-usage', n: i }]);
    case 3:
      return JSON.stringify({ no_dataset: i });
    case 4:
      return JSON.stringify({ ...usage(800_000 + i, 'ENTITYFLEETSQS1', at), budget_usage_percentage: 'high' });
    case 5:
      return JSON.stringify({ ...suggestion(800_000 + i, `ENTITYFLEETSQS${i}`, at), campaign_id: null });
    case 6:
      return JSON.stringify({ Type: 'Notification', MessageId: `bad-${i}`, Message: `not json ${i}` });
    default:
      // A good envelope around a record missing its budget and scope.
      return sns({ dataset_id: 'budget-usage', advertiser_id: `ENTITYFLEETSQS${i}`, budget_usage_percentage: 95 }, `bad-record-${i}`);
  }
}

export function streamMix(options: { total: number; duplicates: number; malformed: number; random: () => number; at: Date }): StreamMix {
  const { total, duplicates: duplicateCount, malformed: malformedCount, random } = options;
  const at = options.at.toISOString();
  const validCount = total - duplicateCount - malformedCount;
  const unknownAdvertisers = new Set<string>();
  const records = Array.from({ length: validCount }, (_, i) => {
    // One in twenty for an advertiser RecDesk has never seen; the rest spread over five.
    let advertiserId = `ENTITYFLEETSQS${1 + (i % 5)}`;
    if (i % 20 === 7) {
      advertiserId = `ENTITYNEVERSEEN${i}`;
      unknownAdvertisers.add(advertiserId);
    }
    return i % 10 < 7 ? usage(i, advertiserId, at) : suggestion(i, advertiserId, at);
  });
  // About a third in SNS envelopes (Stream → SNS → SQS without raw delivery), the rest raw.
  const valid = records.map((record, i) => (i % 3 === 0 ? sns(record, `sns-${i}`) : JSON.stringify(record)));
  const duplicates = Array.from({ length: duplicateCount }, (_, n) => {
    const i = Math.floor(random() * validCount);
    const record = records[i];
    // The same record in the other form, or the very same body again (SQS itself delivering twice).
    if (n % 3 === 0) return valid[i] as string;
    return i % 3 === 0 ? JSON.stringify(record) : sns(record, `sns-again-${n}`);
  });
  const malformed = Array.from({ length: malformedCount }, (_, i) => malformedBody(i, at));
  const bodies = [...valid, ...duplicates, ...malformed];
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j] as string, bodies[i] as string];
  }
  return { bodies, valid, duplicates, malformed, unknownAdvertisers };
}
