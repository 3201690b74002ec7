import { QueryClient } from '@tanstack/react-query';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (count, error) =>
          count < 2 && !(error instanceof Error && 'problem' in error && (error as { problem: { status: number } }).problem.status < 500),
      },
    },
  });
}
