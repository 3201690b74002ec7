import type { Rule } from '@recdesk/shared-types';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { skipReasonOf } from './RuleEditor.tsx';
import { RulesPage } from './RulesPage.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const RULE: Rule = {
  id: '33333333-3333-4333-8333-333333333333',
  version: 2,
  name: 'Easy bid wins',
  expression: 'confidence > 0.8 AND impactScore > 7 AND kind = "bid"',
  scope: { advertiserIds: [], sources: [] },
  mode: 'shadow',
  limits: { maxItemsPerRun: 100, maxItemsPerDay: 500, maxSpendChangePerRun: 1000, maxSpendChangePerDay: 5000 },
  createdBy: 'admin@recdesk.local',
  createdAt: '2026-11-23T09:00:00.000Z',
};
const ITEM_A = '00000000-0000-4000-8000-00000000000a';
const ITEM_B = '00000000-0000-4000-8000-00000000000b';

function rulesApi() {
  server.use(
    http.get('*/api/rules', () => HttpResponse.json({ items: [RULE] })),
    http.get(`*/api/rules/${RULE.id}/versions`, () =>
      HttpResponse.json({
        items: [RULE, { ...RULE, version: 1, mode: 'off', expression: 'confidence > 0.9', createdAt: '2026-11-22T09:00:00.000Z' }],
      }),
    ),
    http.get(`*/api/rules/${RULE.id}/decisions`, () =>
      HttpResponse.json({
        items: [
          {
            recommendationId: ITEM_A,
            advertiserId: 'A1',
            decision: 'take',
            trace: 'rule v2 matched: confidence 0.86 > 0.8, impactScore 8.1 > 7, fresh 5 h, no conflict',
            ruleVersion: 2,
            runId: '44444444-4444-4444-8444-444444444444',
            mode: 'shadow',
            applied: false,
            batchId: null,
            at: '2026-11-23T09:30:00.000Z',
          },
        ],
      }),
    ),
  );
}

describe('RulesPage', () => {
  it('shows a parse error at its position and moves the caret there', async () => {
    rulesApi();
    const previews: unknown[] = [];
    server.use(
      http.post('*/api/rules/preview', async ({ request }) => {
        previews.push(await request.json());
        return HttpResponse.json(
          {
            type: 'https://recdesk.dev/problems/invalid-rule',
            title: 'The condition cannot be parsed',
            status: 400,
            detail: 'Expected a value after ">" at column 14',
            position: 13,
            pointer: 'confidence > AND x\n             ^',
          },
          { status: 400 },
        );
      }),
    );
    window.history.replaceState(null, '', `/rules?rule=${RULE.id}`);
    renderWithProviders(<RulesPage canEdit />);
    const condition = await screen.findByRole('textbox', { name: 'Condition' });
    await userEvent.clear(condition);
    await userEvent.type(condition, 'confidence > AND x');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));

    const error = await screen.findByRole('alert');
    expect(error).toHaveTextContent('The condition cannot be parsed: Expected a value after ">" at column 14');
    expect(error.querySelector('mark')?.textContent).toBe('A');
    expect(error.querySelector('pre')?.textContent).toBe(`confidence > AND x\n${' '.repeat(13)}^`);
    expect(condition).toHaveAttribute('aria-invalid', 'true');
    expect(condition).toHaveAccessibleDescription(expect.stringContaining('at column 14'));
    expect(condition).toHaveFocus();
    expect((condition as HTMLTextAreaElement).selectionStart).toBe(13);
    expect(previews).toEqual([
      {
        expression: 'confidence > AND x',
        scope: { advertiserIds: [], sources: [] },
        limits: RULE.limits,
      },
    ]);

    // Editing the condition clears the stale error.
    await userEvent.type(condition, ' ');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a type error with the title the BFF gives it, at the value of the wrong type', async () => {
    rulesApi();
    const expression = 'audience.affinity >= "x"';
    server.use(
      http.post('*/api/rules/preview', () =>
        HttpResponse.json(
          {
            type: 'https://recdesk.dev/problems/invalid-rule',
            title: 'The condition compares values of the wrong type',
            status: 400,
            detail: 'audience.affinity is a number: >= compares it with a number, not the string "x" at column 22',
            position: 21,
            pointer: `${expression}\n${' '.repeat(21)}^`,
          },
          { status: 400 },
        ),
      ),
    );
    window.history.replaceState(null, '', `/rules?rule=${RULE.id}`);
    renderWithProviders(<RulesPage canEdit />);
    const condition = await screen.findByRole('textbox', { name: 'Condition' });
    await userEvent.clear(condition);
    await userEvent.type(condition, expression);
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));

    const error = await screen.findByRole('alert');
    expect(error.querySelector('.problem-title')?.textContent).toBe(
      'The condition compares values of the wrong type: audience.affinity is a number: >= compares it with a number, not the string "x" at column 22',
    );
    expect(error.querySelector('mark')?.textContent).toBe('"');
    expect((condition as HTMLTextAreaElement).selectionStart).toBe(21);
  });

  it('previews the taken and skipped items with their reasons, backtests, and lists the decisions', async () => {
    rulesApi();
    server.use(
      http.post('*/api/rules/preview', () =>
        HttpResponse.json({
          taken: [
            {
              recommendationId: ITEM_A,
              advertiserId: 'A1',
              decision: 'take',
              trace: 'draft matched: confidence 0.86 > 0.8, impactScore 8.1 > 7, fresh 5 h, no conflict',
            },
          ],
          skipped: [
            {
              recommendationId: ITEM_B,
              advertiserId: 'A1',
              decision: 'skip',
              trace: 'draft skipped: no match: confidence 0.7 > 0.8 is false',
            },
            {
              recommendationId: '00000000-0000-4000-8000-00000000000c',
              advertiserId: 'A2',
              decision: 'skip',
              trace: 'draft skipped: matched (confidence 0.9 > 0.8) but stale',
            },
          ],
        }),
      ),
      http.post(`*/api/rules/${RULE.id}/backtest`, () =>
        HttpResponse.json({ ruleId: RULE.id, version: 2, considered: 40, wouldTake: 12, outcomes: { applied: 7, validated: 5 } }),
      ),
    );
    window.history.replaceState(null, '', `/rules?rule=${RULE.id}`);
    renderWithProviders(<RulesPage canEdit />);
    expect(await screen.findByRole('link', { name: /Easy bid wins/ })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('radio', { name: /Shadow/ })).toBeChecked();

    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(within(preview).getByRole('status')).toHaveTextContent('Would take 1 and skip 2');
    expect(within(preview).getByRole('region', { name: 'Taken (1)' })).toHaveTextContent('impactScore 8.1 > 7');
    expect(within(preview).getByRole('region', { name: 'Skipped (2)' })).toHaveTextContent('confidence 0.7 > 0.8 is false');
    expect(
      within(within(preview).getByRole('list', { name: 'Skipped, by reason' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['the condition does not match: 1', 'stale: 1']);

    await userEvent.click(screen.getByRole('button', { name: 'Backtest' }));
    const backtest = await screen.findByRole('region', { name: 'Backtest of version 2' });
    expect(backtest).toHaveTextContent('it would have taken 12 of 40 items');
    expect(backtest).toHaveTextContent('Now applied7');

    const decisions = screen.getByRole('region', { name: 'Decisions' });
    expect(await within(decisions).findByText('would take')).toBeInTheDocument();
    const versions = screen.getByRole('region', { name: 'Versions' });
    const rows = await within(versions).findAllByRole('row');
    expect(rows.slice(1).map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['v2', 'v1']);
    expect(rows[2]).toHaveTextContent('confidence > 0.9');
  });

  it('saves a new version with the mode, scope and limits chosen', async () => {
    rulesApi();
    const saved: unknown[] = [];
    server.use(
      http.put(`*/api/rules/${RULE.id}`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        saved.push(body);
        return HttpResponse.json({ ...RULE, ...body, version: 3 });
      }),
    );
    window.history.replaceState(null, '', `/rules?rule=${RULE.id}`);
    renderWithProviders(<RulesPage canEdit />);
    await userEvent.click(await screen.findByRole('radio', { name: /^On/ }));
    await userEvent.type(screen.getByRole('textbox', { name: /Advertisers/ }), 'A1, A2');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Partner Opportunities' }));
    const perRun = screen.getByRole('spinbutton', { name: 'Max items per run' });
    await userEvent.clear(perRun);
    await userEvent.type(perRun, '25');
    await userEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    await expect.poll(() => saved).toHaveLength(1);
    expect(saved[0]).toEqual({
      name: RULE.name,
      expression: RULE.expression,
      mode: 'on',
      scope: { advertiserIds: ['A1', 'A2'], sources: ['partner-opportunities'] },
      limits: { ...RULE.limits, maxItemsPerRun: 25 },
    });
  });

  it('lets a person who is not an admin read but not change rules', async () => {
    rulesApi();
    window.history.replaceState(null, '', `/rules?rule=${RULE.id}`);
    renderWithProviders(<RulesPage canEdit={false} />);
    expect(await screen.findByRole('button', { name: 'Save rule' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Preview' })).toBeDisabled();
    expect(screen.getByText(/only an admin can write/)).toBeInTheDocument();
  });
});

describe('skipReasonOf', () => {
  it('names the kind of reason of a skip trace', () => {
    expect(skipReasonOf('rule v3 skipped: out of scope')).toBe('out of scope');
    expect(skipReasonOf('rule v3 skipped: limit: 5 items per run reached')).toBe('limit: 5 items per run reached');
  });
});
