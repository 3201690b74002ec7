import type { ConflictKind, LifecycleStatus, NormalisedRecommendation } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { bidChange, budgetChange, insight, newKeyword, stateChange } from '../lifecycle/recommendation-fixtures.ts';
import { detectConflicts, type EngineItem } from './conflict-engine.ts';

function engineItem(n: NormalisedRecommendation, status: LifecycleStatus = 'validated', priority = 50): EngineItem {
  return {
    id: n.sourceRecommendationId,
    advertiserId: n.advertiserId,
    status,
    source: n.source,
    title: n.title,
    entity: n.entity,
    action: n.action,
    priority,
    refreshedAt: n.refreshedAt ?? n.generatedAt,
    contentHash: `hash-${n.sourceRecommendationId}`,
  };
}

interface Scenario {
  name: string;
  items: EngineItem[];
  /** Each expected conflict: its kind, its members (ids) and words its explanation must name. */
  expected: { kind: ConflictKind; members: string[]; names: RegExp[] }[];
  superseded?: string[];
}

const v = (n: NormalisedRecommendation, status?: LifecycleStatus, priority?: number) => engineItem(n, status, priority);

const SCENARIOS: Scenario[] = [
  {
    name: 'budget cut with three keyword bid increases on the same campaign',
    items: [
      v(budgetChange({ id: 'cut', from: 100, to: 60 })),
      v(bidChange({ id: 'k1', keywordId: 'K1', text: 'kettle', from: 1, to: 1.2 })),
      v(bidChange({ id: 'k2', keywordId: 'K2', text: 'teapot', from: 0.8, to: 1 })),
      v(bidChange({ id: 'k3', keywordId: 'K3', text: 'water boiler', from: 0.5, to: 0.6, source: 'sp-consolidated' })),
    ],
    expected: [
      {
        kind: 'budget_cut_with_bid_increase',
        members: ['cut', 'k1', 'k2', 'k3'],
        names: [
          /Budget cut 100\.00 → 60\.00 USD on Campaign Summer Sale while 3 keyword bid increases on it are pending/,
          /"kettle"/,
          /"water boiler"/,
        ],
      },
    ],
  },
  {
    name: 'budget cut with a placement and an ad group default bid increase',
    items: [
      v(budgetChange({ id: 'cut', from: 100, to: 80 })),
      v(bidChange({ id: 'pl', level: 'placement', keywordId: 'PLACEMENT_TOP', text: 'Top of search', from: 10, to: 50 })),
      v(bidChange({ id: 'ag', level: 'ad-group', from: 0.5, to: 0.7 })),
    ],
    expected: [
      {
        kind: 'budget_cut_with_bid_increase',
        members: ['ag', 'cut', 'pl'],
        names: [/placement bid increase/, /ad group default bid increase/],
      },
    ],
  },
  {
    name: 'budget decrease with new keywords and a new ad group',
    items: [
      v(budgetChange({ id: 'cut', from: 200, to: 150, source: 'sp-budget' })),
      v(newKeyword({ id: 'nk', text: 'glass kettle', bid: 0.9, source: 'sp-targeting' })),
      { ...v(newKeyword({ id: 'ng', bid: 1 })), action: { ...v(newKeyword({ id: 'x', bid: 1 })).action, type: 'create-ad-group' } },
    ],
    expected: [
      {
        kind: 'budget_cut_with_expansion',
        members: ['cut', 'ng', 'nk'],
        names: [/Budget cut 200\.00 → 150\.00 USD on Campaign Summer Sale/, /2 expansions/, /new keyword "glass kettle"/],
      },
    ],
  },
  {
    name: 'bid up from one source and down from another on one keyword',
    items: [
      v(bidChange({ id: 'up', text: 'kettle', from: 1, to: 1.3 })),
      v(bidChange({ id: 'down', text: 'kettle', from: 1, to: 0.8, source: 'sp-theme-bids' })),
    ],
    expected: [
      {
        kind: 'opposite_directions',
        members: ['down', 'up'],
        names: [/Keyword "kettle"/, /bid up 1\.00 → 1\.30 USD \(Partner Opportunities\)/, /bid down 1\.00 → 0\.80 USD/],
      },
    ],
  },
  {
    name: 'budget up and budget down on one campaign',
    items: [
      v(budgetChange({ id: 'up', from: 100, to: 150 })),
      v(budgetChange({ id: 'down', from: 100, to: 70, source: 'unified-recommendations' })),
    ],
    expected: [{ kind: 'opposite_directions', members: ['down', 'up'], names: [/Campaign Summer Sale/, /budget up/, /budget down/] }],
  },
  {
    name: 'the same budget set to 60 and to 80',
    items: [v(budgetChange({ id: 'b60', from: 100, to: 60 })), v(budgetChange({ id: 'b80', from: 100, to: 80, source: 'sp-budget' }))],
    expected: [{ kind: 'disagreeing_values', members: ['b60', 'b80'], names: [/Campaign Summer Sale/, /60\.00 USD/, /80\.00 USD/] }],
  },
  {
    name: 'pausing a campaign while a keyword bid and the budget change on it',
    items: [
      v(stateChange({ id: 'pause', to: 'PAUSED' })),
      v(bidChange({ id: 'k1', text: 'kettle', from: 1, to: 0.9 })),
      v(budgetChange({ id: 'b', from: 100, to: 120 })),
    ],
    expected: [
      {
        kind: 'pause_with_change',
        members: ['b', 'k1', 'pause'],
        names: [/Campaign Summer Sale would be paused/, /2 other items change it or its children/, /"kettle"/],
      },
    ],
  },
  {
    name: 'archiving a keyword whose bid another item raises',
    items: [v(stateChange({ id: 'arch', to: 'ARCHIVED', level: 'keyword' })), v(bidChange({ id: 'k1', from: 1, to: 1.1 }))],
    expected: [{ kind: 'pause_with_change', members: ['arch', 'k1'], names: [/Keyword "electric kettle" \(EXACT\) would be archived/] }],
  },
  {
    name: 'a Partner Opportunity and a consolidated recommendation proposing the same keyword bid',
    items: [
      v(bidChange({ id: 'po', text: 'kettle', from: 1, to: 1.25 }), 'validated', 40),
      v(bidChange({ id: 'sc', text: 'kettle', from: 1, to: 1.25, source: 'sp-consolidated' }), 'validated', 70),
    ],
    expected: [
      {
        kind: 'duplicate',
        members: ['po', 'sc'],
        names: [/keyword "kettle"/i, /SP consolidated, Partner Opportunities/, /from SP consolidated is kept as primary/],
      },
    ],
    superseded: ['po'],
  },
  {
    name: 'a duplicate inside a bigger contradiction: the primary stands for both',
    items: [
      v(budgetChange({ id: 'cut', from: 100, to: 50 })),
      v(bidChange({ id: 'po', from: 1, to: 1.4 }), 'validated', 60),
      v(bidChange({ id: 'ur', from: 1, to: 1.4, source: 'unified-recommendations' }), 'superseded', 30),
    ],
    expected: [
      { kind: 'duplicate', members: ['po', 'ur'], names: [/the other is superseded/] },
      { kind: 'budget_cut_with_bid_increase', members: ['cut', 'po'], names: [/1 keyword bid increase on it is pending/] },
    ],
  },
  {
    name: "Amazon's budget recommendation pushed by Stream and pulled hourly: one item, the fresher kept",
    items: [
      {
        ...v(budgetChange({ id: 'pulled', source: 'sp-budget', from: 40, to: 60, refreshedAt: '2026-11-23T09:05:00.000Z' })),
        sourceType: 'BUDGET_RECOMMENDATION',
      },
      {
        ...v(budgetChange({ id: 'pushed', source: 'marketing-stream', from: 40, to: 64, refreshedAt: '2026-11-23T10:00:00.000Z' })),
        sourceType: 'SP_BUDGET_RECOMMENDATION',
      },
    ],
    expected: [
      { kind: 'duplicate', members: ['pulled', 'pushed'], names: [/arrived by Marketing Stream and by the hourly pull; the fresher/] },
    ],
    superseded: ['pulled'],
  },
  {
    name: 'a budget cut on a campaign Marketing Stream reports at 100 % of its budget today',
    items: [
      v(budgetChange({ id: 'cut', from: 100, to: 60 })),
      { ...v(insight({ id: 'usage', source: 'marketing-stream' })), budgetUsagePercent: 100 },
    ],
    expected: [
      {
        kind: 'budget_cut_while_exhausted',
        members: ['cut', 'usage'],
        names: [
          /Budget cut 100\.00 → 60\.00 USD on Campaign Summer Sale while Marketing Stream reports it has spent 100% of today's budget/,
        ],
      },
    ],
  },
];

const QUIET: { name: string; items: EngineItem[] }[] = [
  {
    name: 'a budget cut on a campaign at 95 % of its budget, and one at 100 % with a raise',
    items: [
      v(budgetChange({ id: 'cut', from: 100, to: 60 })),
      { ...v(insight({ id: 'usage', source: 'marketing-stream' })), budgetUsagePercent: 95 },
      v(budgetChange({ id: 'raise', campaignId: 'C2', from: 50, to: 80 })),
      { ...v(insight({ id: 'usage2', campaignId: 'C2', source: 'marketing-stream' })), budgetUsagePercent: 100 },
    ],
  },
  {
    name: 'two bid increases on different keywords',
    items: [v(bidChange({ id: 'k1', keywordId: 'K1', from: 1, to: 1.2 })), v(bidChange({ id: 'k2', keywordId: 'K2', from: 1, to: 1.3 }))],
  },
  {
    name: 'a budget increase with bid increases',
    items: [
      v(budgetChange({ id: 'b', from: 100, to: 150 })),
      v(bidChange({ id: 'k1', from: 1, to: 1.2 })),
      v(newKeyword({ id: 'nk', bid: 1 })),
    ],
  },
  {
    name: 'a budget cut with bid decreases',
    items: [v(budgetChange({ id: 'b', from: 100, to: 80 })), v(bidChange({ id: 'k1', from: 1, to: 0.8 }))],
  },
  {
    name: 'a budget cut on one campaign with bid increases and expansion on another',
    items: [
      v(budgetChange({ id: 'b', campaignId: 'C1', from: 100, to: 80 })),
      v(bidChange({ id: 'k1', campaignId: 'C2', from: 1, to: 1.5 })),
      v(newKeyword({ id: 'nk', campaignId: 'C2', bid: 1 })),
    ],
  },
  {
    name: 'the same contradiction split across two advertisers',
    items: [
      v(budgetChange({ id: 'b', advertiserId: 'A1', from: 100, to: 80 })),
      v(bidChange({ id: 'k1', advertiserId: 'A2', from: 1, to: 1.5 })),
    ],
  },
  {
    name: 'pausing one keyword while another keyword of the ad group changes',
    items: [
      v(stateChange({ id: 'p', to: 'PAUSED', level: 'keyword', keywordId: 'K1' })),
      v(bidChange({ id: 'k2', keywordId: 'K2', from: 1, to: 1.2 })),
    ],
  },
  {
    name: 'a bidding strategy and a rule target on the same campaign (different settings)',
    items: [
      v({
        ...budgetChange({ id: 's1', from: 1, to: 2 }),
        action: {
          type: 'set-bidding-strategy',
          field: 'biddingStrategy',
          from: 'MANUAL',
          to: 'AUTO_FOR_SALES',
          unit: 'strategy',
          currency: null,
          direction: 'change',
        },
      }),
      v({
        ...budgetChange({ id: 's2', from: 1, to: 2 }),
        action: {
          type: 'set-bidding-strategy',
          field: 'ruleBasedBidding.ruleRoas',
          from: 3,
          to: 4,
          unit: 'none',
          currency: null,
          direction: 'change',
        },
      }),
    ],
  },
  {
    name: 'insights beside changes',
    items: [v(insight({ id: 'i1' })), v(insight({ id: 'i2' })), v(budgetChange({ id: 'b', from: 100, to: 80 }))],
  },
  {
    name: 'a rejected duplicate group: only superseded members are left',
    items: [
      v(bidChange({ id: 'a', from: 1, to: 1.2 }), 'superseded'),
      v(bidChange({ id: 'b', from: 1, to: 1.2, source: 'sp-consolidated' }), 'superseded'),
    ],
  },
];

describe('conflict engine: known contradictions', () => {
  it.each(SCENARIOS)('finds $name', ({ items, expected, superseded }) => {
    const result = detectConflicts(items);
    expect(result.conflicts.map((c) => [c.kind, c.memberIds]).sort()).toEqual(expected.map((e) => [e.kind, [...e.members].sort()]).sort());
    for (const e of expected) {
      const found = result.conflicts.find((c) => c.kind === e.kind);
      for (const name of e.names) expect(found?.explanation).toMatch(name);
      expect(found?.suggestedResolution.length).toBeGreaterThan(10);
    }
    expect(result.supersede.map((s) => s.id).sort()).toEqual(superseded ?? []);
  });
});

describe('conflict engine: no false alarms', () => {
  it.each(QUIET)('finds nothing in $name', ({ items }) => {
    expect(detectConflicts(items)).toEqual({ conflicts: [], supersede: [] });
  });
});

describe('conflict engine: identity', () => {
  it('gives the same contradiction the same fingerprint, and a new one when a member changes upstream', () => {
    const items = [v(budgetChange({ id: 'cut', from: 100, to: 60 })), v(bidChange({ id: 'k1', from: 1, to: 1.2 }))];
    const first = detectConflicts(items).conflicts[0];
    const again = detectConflicts([...items].reverse()).conflicts[0];
    expect(again?.fingerprint).toBe(first?.fingerprint);
    const changed = detectConflicts([items[0] as EngineItem, { ...(items[1] as EngineItem), contentHash: 'other' }]).conflicts[0];
    expect(changed?.fingerprint).not.toBe(first?.fingerprint);
  });

  it('keeps the primary of a duplicate group that was already chosen', () => {
    const items = [
      v(bidChange({ id: 'po', from: 1, to: 1.25 }), 'validated', 80),
      v(bidChange({ id: 'sc', from: 1, to: 1.25, source: 'sp-consolidated' }), 'superseded', 90),
    ];
    const result = detectConflicts(items);
    expect(result.conflicts[0]).toMatchObject({ kind: 'duplicate', primaryId: 'po' });
    expect(result.supersede).toEqual([]);
  });
});
