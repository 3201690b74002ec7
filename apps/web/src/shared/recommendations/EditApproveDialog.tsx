/**
 * Edit the proposed value, then approve. The change against the current value is shown as the user types; the
 * server applies the advertiser's guardrails and its refusal is shown here, where the value was typed.
 */
import type { Recommendation } from '@recdesk/shared-types';
import { type FormEvent, useState } from 'react';
import { formatActionValue, formatPercent } from '../format.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { ProblemMessage } from '../ui/ProblemMessage.tsx';
import { useApproveRecommendation } from './approval-mutations.tsx';
import { controlGroupBreaks } from './LeaveControlGroupDialog.tsx';

export function EditApproveDialog({ item, onClose }: { item: Recommendation; onClose: () => void }) {
  const approve = useApproveRecommendation();
  const proposed = typeof item.action.to === 'number' ? item.action.to : 0;
  const [value, setValue] = useState(String(proposed));
  const [note, setNote] = useState('');
  const edited = Number(value);
  const valid = value.trim() !== '' && Number.isFinite(edited) && edited > 0;
  const from = typeof item.action.from === 'number' ? item.action.from : null;
  const unit = item.action.unit === 'currency' ? (item.action.currency ?? '') : item.action.unit === 'percent' ? '%' : '';
  const field = item.action.field ?? 'value';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    try {
      await approve.mutateAsync({
        item,
        ...(edited !== proposed ? { editedValue: edited } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        // The warning below says what approving a control breaks; submitting here is the confirmation.
        ...(item.controlGroup ? { leaveControlGroup: true } : {}),
      });
      onClose();
    } catch {
      // shown below, beside the value
    }
  };

  return (
    <Dialog title="Edit and approve" onClose={onClose}>
      <form onSubmit={submit} className="dialog-form">
        <p>{item.title}</p>
        <p className="muted">
          Current {field}: {formatActionValue(item.action.from, item.action)} · recommended:{' '}
          {formatActionValue(item.action.to, item.action)}
        </p>
        <label className="field">
          New {field}
          {unit ? ` (${unit})` : ''}
          <input
            type="number"
            inputMode="decimal"
            step="any"
            min="0"
            value={value}
            onChange={(event) => setValue(event.target.value)}
            aria-invalid={!valid}
            aria-describedby="edit-change"
            required
          />
        </label>
        <p id="edit-change" className="muted" aria-live="polite">
          {!valid
            ? 'Enter a positive number.'
            : from
              ? `Change from current: ${formatPercent((edited - from) / from)}`
              : `New value: ${formatActionValue(edited, item.action)}`}
        </p>
        <label className="field">
          Note (optional)
          <textarea value={note} onChange={(event) => setNote(event.target.value)} rows={2} maxLength={2000} />
        </label>
        {item.controlGroup ? <p className="conflict-warning">{controlGroupBreaks(item.controlGroup)}</p> : null}
        {approve.isError ? <ProblemMessage error={approve.error} fallback="The approval failed" /> : null}
        <div className="dialog-actions">
          <button type="button" className="button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={!valid || approve.isPending}>
            {approve.isPending
              ? 'Approving…'
              : item.controlGroup
                ? 'Approve with this value and leave the control group'
                : 'Approve with this value'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
