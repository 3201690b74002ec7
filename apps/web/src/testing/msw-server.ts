/**
 * msw for component tests: every request must be handled, so a forgotten endpoint fails loudly. The advertiser list
 * (asked by every advertiser picker and name lookup) answers empty unless a test says otherwise.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';

export const server = setupServer(http.get('*/api/advertisers', () => HttpResponse.json({ items: [] })));
