/**
 * 207 Multi-Status (and the 200/422 batch answers shaped like it) parsed per item, by request index, for the apply
 * path (WAF §7: partial success is normal, each item has its own status). Shapes understood:
 * - SP v3 CRUD: `{<entities>: {success: [{index, ...}], error: [{index, errors: [...]}]}}` (facts.md §6).
 * - Flat success/error: `{success: [{index, ...}], error: [{index, code, details}]}` (budget usage, SB budgets).
 * - Recommendations API: `{successes: [{index, ...}], failures: [{index, error: {code, message}}]}` (facts.md §2.6).
 * - SP budget recommendations: `{budgetRecommendationsSuccessResults, budgetRecommendationsErrorResults}` with
 *   `Error: {code, details}` (capital E, facts.md §2.2).
 * - Partner Opportunities apply: `{successes: [{recommendationId}], failures: [{recommendationId, code, message}]}`,
 *   which has no index: pass `requestKeys` (the ids in request order) and `keyField` to map them back.
 * Every requested index gets an outcome; one the answer does not mention is `missing`, never assumed applied.
 */
import { z } from 'zod';

export type ItemOutcome =
  | { index: number; status: 'success'; item: Record<string, unknown> }
  | { index: number; status: 'error'; code: string; message: string; item: Record<string, unknown> }
  | { index: number; status: 'missing' };

export interface MultiStatusOptions {
  /** How many items the request held. */
  requestCount: number;
  /** The entity key of an SP v3 answer (`campaigns`, `keywords`…); found by itself when there is one. */
  entityKey?: string;
  /** For answers without `index`: each request item's key, in request order, and the answer's field holding it. */
  requestKeys?: readonly string[];
  keyField?: string;
}

export class MultiStatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultiStatusError';
  }
}

const ItemSchema = z.looseObject({ index: z.number().int().nonnegative().optional() });
const ListsSchema = z.looseObject({ success: z.array(ItemSchema).optional(), error: z.array(ItemSchema).optional() });
const PluralSchema = z.looseObject({ successes: z.array(ItemSchema).optional(), failures: z.array(ItemSchema).optional() });
const ErrorLikeSchema = z.looseObject({
  code: z.string().optional(),
  errorType: z.string().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
  reason: z.string().optional(),
});

/** `{code, message}` of an error item, from whichever shape it came in. */
function describe(item: Record<string, unknown>): { code: string; message: string } {
  const nested = item.error ?? item.Error ?? (Array.isArray(item.errors) ? item.errors[0] : undefined) ?? item;
  const parsed = ErrorLikeSchema.safeParse(nested).data ?? {};
  // SP v3 puts the reason one level deeper: errors[0].errorValue.<kind>Error.{reason, message}.
  const errorValue = (nested as { errorValue?: Record<string, unknown> } | undefined)?.errorValue;
  const inner = errorValue ? ErrorLikeSchema.safeParse(Object.values(errorValue)[0]).data : undefined;
  return {
    code: inner?.reason ?? parsed.code ?? parsed.errorType ?? 'UNKNOWN_ERROR',
    message: inner?.message ?? parsed.message ?? parsed.details ?? 'the upstream gave no message',
  };
}

function listsOf(body: unknown, entityKey: string | undefined): { successes: unknown[]; errors: unknown[] } {
  const plural = PluralSchema.safeParse(body);
  if (plural.success && (plural.data.successes || plural.data.failures)) {
    return { successes: plural.data.successes ?? [], errors: plural.data.failures ?? [] };
  }
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const successKey = Object.keys(record).find((k) => k.endsWith('SuccessResults'));
    const errorKey = Object.keys(record).find((k) => k.endsWith('ErrorResults'));
    if (successKey || errorKey) {
      return {
        successes: z
          .array(z.unknown())
          .catch([])
          .parse(successKey ? record[successKey] : []),
        errors: z
          .array(z.unknown())
          .catch([])
          .parse(errorKey ? record[errorKey] : []),
      };
    }
    const flat = ListsSchema.safeParse(body);
    if (flat.success && (flat.data.success || flat.data.error))
      return { successes: flat.data.success ?? [], errors: flat.data.error ?? [] };
    const keys = entityKey ? [entityKey] : Object.keys(record).filter((k) => ListsSchema.safeParse(record[k]).success);
    if (keys.length === 1) {
      const nested = ListsSchema.safeParse(record[keys[0] as string]);
      if (nested.success) return { successes: nested.data.success ?? [], errors: nested.data.error ?? [] };
    }
  }
  throw new MultiStatusError('the batch answer has none of the known multi-status shapes');
}

export function parseMultiStatus(body: unknown, options: MultiStatusOptions): ItemOutcome[] {
  const { successes, errors } = listsOf(body, options.entityKey);
  const outcomes: ItemOutcome[] = Array.from({ length: options.requestCount }, (_, index) => ({ index, status: 'missing' as const }));
  const indexOf = (item: Record<string, unknown>): number => {
    if (typeof item.index === 'number') return item.index;
    if (options.requestKeys && options.keyField) {
      const key = item[options.keyField];
      const found = typeof key === 'string' ? options.requestKeys.indexOf(key) : -1;
      if (found >= 0) return found;
    }
    throw new MultiStatusError(
      `a batch item has neither an index nor a known ${options.keyField ?? 'key'}: ${JSON.stringify(item).slice(0, 200)}`,
    );
  };
  const place = (outcome: ItemOutcome) => {
    if (outcome.index >= options.requestCount) {
      throw new MultiStatusError(`the answer names index ${outcome.index}, but the request held ${options.requestCount} items`);
    }
    outcomes[outcome.index] = outcome;
  };
  for (const raw of successes) {
    const item = ItemSchema.parse(raw) as Record<string, unknown>;
    place({ index: indexOf(item), status: 'success', item });
  }
  // Errors are placed last: an index listed as both (seen in the wild) counts as failed, never as applied.
  for (const raw of errors) {
    const item = ItemSchema.parse(raw) as Record<string, unknown>;
    place({ index: indexOf(item), status: 'error', ...describe(item), item });
  }
  return outcomes;
}
