/**
 * Approving an item a rule holds back as its control group (issue 19): the dialog says which rule, until when, and
 * what approving breaks, and only its confirm button sends the approval with `leaveControlGroup: true`. The server
 * refuses the approval without it, so no other path can take an item out of a control group by accident.
 */
import type { Recommendation } from '@recdesk/shared-types';
import { Dialog } from '../ui/Dialog.tsx';
import { ProblemMessage } from '../ui/ProblemMessage.tsx';
import { useApproveRecommendation } from './approval-mutations.tsx';

/** The queue's words for a control group: "control group of rule X until D". */
export function controlGroupLabel(control: NonNullable<Recommendation['controlGroup']>): string {
  return `control group of rule “${control.ruleName}” until ${control.until}`;
}

/** What leaving the control group breaks, in the words the dialog and the badge's title use. */
export function controlGroupBreaks(control: NonNullable<Recommendation['controlGroup']>): string {
  return `Rule “${control.ruleName}” holds this item back on purpose until ${control.until}: its applied items are measured against items like this one left untouched. Approving it takes it out of the control group, so that comparison loses it and the rule's measured impact becomes less certain.`;
}

export function LeaveControlGroupDialog({ item, onClose }: { item: Recommendation; onClose: () => void }) {
  const approve = useApproveRecommendation();
  const control = item.controlGroup;
  if (!control) return null;
  return (
    <Dialog title="Approve an item held back as a control?" onClose={onClose}>
      <div className="dialog-form">
        <p>{item.title}</p>
        <p>{controlGroupBreaks(control)}</p>
        <p className="muted">The history records that you took it out of the control group.</p>
        {approve.isError ? <ProblemMessage error={approve.error} fallback="The approval failed" /> : null}
        <div className="dialog-actions">
          <button type="button" className="button-secondary" onClick={onClose}>
            Keep it as a control
          </button>
          <button
            type="button"
            className="button-danger"
            disabled={approve.isPending}
            onClick={() => approve.mutate({ item, leaveControlGroup: true }, { onSuccess: onClose })}
          >
            {approve.isPending ? 'Approving…' : 'Approve and leave the control group'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
