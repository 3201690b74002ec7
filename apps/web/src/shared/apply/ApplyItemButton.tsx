/**
 * "Apply" for one approved item: queues it as a batch of one and opens that batch's progress (`?batch=`). A refusal
 * (not approved any more, already queued by someone else) is said in words.
 */
import type { Recommendation } from '@recdesk/shared-types';
import { noticeActions } from '../notices-store.ts';
import { ProblemMessage } from '../ui/ProblemMessage.tsx';
import { useSearchParams } from '../use-search-params.ts';
import { useApply } from './apply-queries.ts';

export function ApplyItemButton({ item }: { item: Recommendation }) {
  const apply = useApply();
  const [, setSearch] = useSearchParams();
  const applicable = item.status === 'approved' && item.applicable;
  return (
    <>
      <button
        type="button"
        disabled={!applicable || apply.isPending}
        title={item.applicable ? undefined : 'This item cannot be applied through the Ads API: act on it by hand'}
        onClick={() =>
          apply.mutate([item.id], {
            onSuccess: (accepted) => {
              const refusal = accepted.refused[0];
              if (refusal)
                noticeActions().noticeAdded({ tone: 'warning', title: `“${item.title}” was not applied`, detail: refusal.message });
              if (accepted.queued > 0) setSearch({ batch: accepted.batchId });
            },
          })
        }
      >
        {item.status === 'applying' ? 'Applying…' : apply.isPending ? 'Sending…' : 'Apply'}
      </button>
      {apply.isError ? <ProblemMessage error={apply.error} fallback={`“${item.title}” could not be applied`} /> : null}
    </>
  );
}
