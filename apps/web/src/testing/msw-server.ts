/** msw for component tests: every request must be handled, so a forgotten endpoint fails loudly. */
import { setupServer } from 'msw/node';

export const server = setupServer();
