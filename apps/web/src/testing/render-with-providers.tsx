/**
 * Renders a component with a fresh QueryClient (retries off), as every component test needs, and the signed-in
 * person's right to act (an approver unless the test says `canAct: false`, a viewer).
 */
import type { Role, SessionInfo } from '@recdesk/shared-types';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { CanActProvider } from '../shared/session/can-act.tsx';

export function renderWithProviders(ui: ReactElement, options: { canAct?: boolean } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return {
    queryClient,
    ...render(
      <QueryClientProvider client={queryClient}>
        <CanActProvider canAct={options.canAct ?? true}>{ui}</CanActProvider>
      </QueryClientProvider>,
    ),
  };
}

/** A session as GET /api/auth/me answers it, for tests that render the whole app. */
export function aSession(role: Role): SessionInfo {
  return {
    user: {
      id: '00000000-0000-4000-8000-0000000000a1',
      email: `${role}@recdesk.test`,
      name: role,
      role,
      allAdvertisers: true,
      advertiserIds: [],
      active: true,
      createdAt: '2026-11-01T00:00:00.000Z',
      lastSignInAt: null,
    },
    csrfToken: 'test-csrf-token',
  };
}
