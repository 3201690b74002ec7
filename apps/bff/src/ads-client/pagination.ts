/**
 * One abstraction for the Ads API's three paging styles (WAF §7: wrap nextToken/maxResults pagination once):
 * - `nextToken`: the answer carries `nextToken`, absent or null on the last page (SP v3, Recommendations API).
 * - `cursor`: the answer carries `nextCursor` (SP product-targeting recommendations; cursors expire, so a page is
 *   fetched again with the same cursor on retry but never cached).
 * - `tokens`: Partner Opportunities' `firstToken/lastToken/nextToken/prevToken`; any of them is passed back as the
 *   `nextToken` query parameter, and the walk ends at the page whose own token is `lastToken` or that has no next.
 * Each helper yields pages (with their index) so the caller validates items with a location. A token that comes back
 * twice is an upstream bug that would loop for ever: it fails loudly, as does going past `maxPages`.
 */
import { z } from 'zod';

export type PagingStyle = 'nextToken' | 'cursor' | 'tokens';

export interface Page<P> {
  page: P;
  /** 0-based position of the page in the walk. */
  index: number;
  /** The token or cursor this page was requested with (undefined for the first). */
  token: string | undefined;
}

export interface PaginateOptions<P> {
  style: PagingStyle;
  /** Fetches one page; `token` is undefined for the first. */
  fetchPage: (token: string | undefined) => Promise<P>;
  /** Guard against an upstream that never ends (default 10,000 pages). */
  maxPages?: number;
}

const NextTokenSchema = z.looseObject({ nextToken: z.string().nullish() });
const CursorSchema = z.looseObject({ nextCursor: z.string().nullish() });
const TokensSchema = z.looseObject({
  nextToken: z.string().nullish(),
  lastToken: z.string().nullish(),
  firstToken: z.string().nullish(),
  prevToken: z.string().nullish(),
});

export class PaginationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaginationError';
  }
}

/** The token to ask for after `page`, or null when `page` is the last one. */
export function nextTokenOf(style: PagingStyle, page: unknown, requestedWith: string | undefined): string | null {
  if (style === 'cursor') return CursorSchema.safeParse(page).data?.nextCursor || null;
  if (style === 'nextToken') return NextTokenSchema.safeParse(page).data?.nextToken || null;
  const tokens = TokensSchema.safeParse(page).data;
  if (!tokens?.nextToken) return null;
  // The last page may still name a next token equal to itself or to lastToken in some APIs: stop at lastToken.
  if (tokens.lastToken && requestedWith === tokens.lastToken) return null;
  return tokens.nextToken;
}

export async function* paginate<P>({ style, fetchPage, maxPages = 10_000 }: PaginateOptions<P>): AsyncGenerator<Page<P>> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (let index = 0; ; index++) {
    if (index >= maxPages) throw new PaginationError(`gave up after ${maxPages} pages: the upstream kept naming a next page`);
    const page = await fetchPage(token);
    yield { page, index, token };
    const next = nextTokenOf(style, page, token);
    if (next === null) return;
    if (seen.has(next))
      throw new PaginationError(`the upstream named page token '${next.slice(0, 40)}' twice; stopping instead of looping`);
    seen.add(next);
    token = next;
  }
}

/** Every item across the pages, with where it came from (`page 2 item 7`) for quarantine reasons. */
export async function* paginateItems<P, T>(
  options: PaginateOptions<P> & { itemsOf: (page: P) => readonly T[] },
): AsyncGenerator<{ item: T; location: string }> {
  for await (const { page, index } of paginate(options)) {
    for (const [position, item] of options.itemsOf(page).entries()) yield { item, location: `page ${index} item ${position}` };
  }
}
