import { describe, expect, it } from 'vitest';
import { PaginationError, paginate, paginateItems } from './pagination.ts';

/** A fake upstream of 7 items served 3 per page, in the answer shape of each paging style. */
function pagesOf(style: 'nextToken' | 'cursor' | 'tokens') {
  const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const requested: (string | undefined)[] = [];
  const tokenFor = (offset: number) => `t${offset}`;
  const fetchPage = async (token: string | undefined) => {
    requested.push(token);
    const offset = token ? Number(token.slice(1)) : 0;
    const next = offset + 3 < items.length ? tokenFor(offset + 3) : null;
    const page = { items: items.slice(offset, offset + 3) };
    if (style === 'nextToken') return { ...page, nextToken: next };
    if (style === 'cursor') return { ...page, ...(next ? { nextCursor: next } : {}), previousCursor: null };
    // Partner Opportunities: first/last tokens on every page, next/prev where they exist.
    return {
      ...page,
      firstToken: tokenFor(0),
      lastToken: tokenFor(6),
      ...(next ? { nextToken: next } : {}),
      ...(offset ? { prevToken: tokenFor(offset - 3) } : {}),
    };
  };
  return { fetchPage, requested, items };
}

describe('paginate', () => {
  it.each(['nextToken', 'cursor', 'tokens'] as const)('walks every page of the %s style once', async (style) => {
    const upstream = pagesOf(style);
    const seen: string[] = [];
    for await (const { item, location } of paginateItems({ style, fetchPage: upstream.fetchPage, itemsOf: (p) => p.items })) {
      seen.push(`${item}@${location}`);
    }
    expect(seen).toEqual([
      'a@page 0 item 0',
      'b@page 0 item 1',
      'c@page 0 item 2',
      'd@page 1 item 0',
      'e@page 1 item 1',
      'f@page 1 item 2',
      'g@page 2 item 0',
    ]);
    expect(upstream.requested).toEqual([undefined, 't3', 't6']);
  });

  it('stops at lastToken even when the last page names a next token', async () => {
    const requested: (string | undefined)[] = [];
    const pages = paginate({
      style: 'tokens',
      fetchPage: async (token) => {
        requested.push(token);
        return { items: [], firstToken: 'A', lastToken: 'B', nextToken: 'B' };
      },
    });
    for await (const _ of pages) {
      // walk
    }
    expect(requested).toEqual([undefined, 'B']);
  });

  it('fails loudly on a token that comes back twice instead of looping', async () => {
    let n = 0;
    const pages = paginate({ style: 'nextToken', fetchPage: async () => ({ nextToken: n++ < 1 ? 'x' : 'x' }) });
    await expect(async () => {
      for await (const _ of pages) {
        // walk
      }
    }).rejects.toThrow(PaginationError);
  });

  it('gives up after maxPages', async () => {
    let n = 0;
    const pages = paginate({ style: 'cursor', maxPages: 5, fetchPage: async () => ({ nextCursor: `c${n++}` }) });
    await expect(async () => {
      for await (const _ of pages) {
        // walk
      }
    }).rejects.toThrow(/after 5 pages/);
  });

  it('treats an empty or null token as the end', async () => {
    const requested: (string | undefined)[] = [];
    for await (const _ of paginate({
      style: 'nextToken',
      fetchPage: async (t) => {
        requested.push(t);
        return { nextToken: '' };
      },
    })) {
      // walk
    }
    expect(requested).toEqual([undefined]);
  });
});
