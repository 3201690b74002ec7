/**
 * Auto-apply rules from the browser: the current version of each rule, a rule's recorded decisions, and the writes
 * (create, a new version, preview a draft, backtest). A condition the BFF refuses (it does not parse, or compares a
 * value of the wrong type) answers 400 `invalid-rule` with the 0-based position of the problem; `ruleParseErrorOf`
 * reads it so the editor can point at it.
 */
import {
  RuleBacktestSchema,
  type RuleBody,
  RuleDecisionListSchema,
  RuleListSchema,
  type RulePreviewBodySchema,
  RulePreviewSchema,
  RuleSchema,
} from '@recdesk/shared-types';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { ApiError, apiRequest } from '../../shared/api-client.ts';

export const ruleQueries = {
  all: () => ['rules'] as const,
  list: () =>
    queryOptions({
      queryKey: [...ruleQueries.all(), 'list'] as const,
      queryFn: ({ signal }) => apiRequest(RuleListSchema, '/api/rules', { signal }),
    }),
  versions: (id: string) =>
    queryOptions({
      queryKey: [...ruleQueries.all(), 'versions', id] as const,
      queryFn: ({ signal }) => apiRequest(RuleListSchema, `/api/rules/${id}/versions`, { signal }),
    }),
  decisions: (id: string) =>
    queryOptions({
      queryKey: [...ruleQueries.all(), 'decisions', id] as const,
      queryFn: ({ signal }) => apiRequest(RuleDecisionListSchema, `/api/rules/${id}/decisions`, { signal }),
      refetchInterval: 30_000,
    }),
};

export interface RuleParseProblem {
  /** What kind of problem, as the BFF says it ("The condition cannot be parsed", "…compares values of the wrong type"). */
  title: string;
  message: string;
  /** 0-based offset into the expression. */
  position: number;
}

export function ruleParseErrorOf(error: unknown): RuleParseProblem | null {
  if (!(error instanceof ApiError) || error.problem.status !== 400 || !error.problem.type.endsWith('invalid-rule')) return null;
  const parsed = z.object({ position: z.number().int().nonnegative() }).safeParse(error.problem);
  if (!parsed.success) return null;
  return { title: error.problem.title, message: error.problem.detail ?? error.problem.title, position: parsed.data.position };
}

export function useSaveRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: RuleBody }) =>
      id
        ? apiRequest(RuleSchema, `/api/rules/${id}`, { method: 'PUT', body })
        : apiRequest(RuleSchema, '/api/rules', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ruleQueries.all() }),
  });
}

export function usePreviewRule() {
  return useMutation({
    mutationFn: (body: z.input<typeof RulePreviewBodySchema>) =>
      apiRequest(RulePreviewSchema, '/api/rules/preview', { method: 'POST', body }),
  });
}

export function useBacktestRule() {
  return useMutation({
    mutationFn: (id: string) => apiRequest(RuleBacktestSchema, `/api/rules/${id}/backtest`, { method: 'POST' }),
  });
}
