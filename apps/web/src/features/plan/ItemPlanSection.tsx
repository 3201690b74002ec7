/**
 * The detail drawer's "Plan" section for items drafted on the Plan page: "Planned by … · forecast …" with the
 * forecast's inputs and figures. The measured impact follows in the Performance section once it is applied.
 */
import { PlanDraftRawSchema, type RecommendationDetail } from '@recdesk/shared-types';
import { PlannedForecast } from './PlannedForecast.tsx';

export function ItemPlanSection({ item }: { item: RecommendationDetail }) {
  if (item.source !== 'plan') return null;
  const plan = PlanDraftRawSchema.safeParse(item.raw);
  return (
    <section aria-labelledby="drawer-plan" className="drawer-section">
      <h3 id="drawer-plan">Plan</h3>
      {plan.success ? <PlannedForecast plan={plan.data} /> : <p className="muted">The plan's forecast could not be read.</p>}
    </section>
  );
}
