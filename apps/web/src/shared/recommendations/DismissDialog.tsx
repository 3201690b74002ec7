/** Dismiss an insight with a reason code (and a note, required for "Other"). */
import { DISMISS_REASON_LABELS, DISMISS_REASONS, type DismissReason } from '@recdesk/shared-types';
import { type FormEvent, useState } from 'react';
import { Dialog } from '../ui/Dialog.tsx';

export function DismissDialog({
  title,
  onDismiss,
  onClose,
}: {
  title: string;
  onDismiss: (reason: DismissReason, note: string | undefined) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState<DismissReason | null>(null);
  const [note, setNote] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason || (reason === 'other' && note.trim() === '')) return;
    onDismiss(reason, note.trim() === '' ? undefined : note.trim());
  };
  return (
    <Dialog title="Dismiss insight" onClose={onClose}>
      <form onSubmit={submit}>
        <p>{title}</p>
        <fieldset className="reason-fieldset">
          <legend>Reason</legend>
          {DISMISS_REASONS.map((code) => (
            <label key={code} className="radio">
              <input type="radio" name="dismiss-reason" value={code} checked={reason === code} onChange={() => setReason(code)} required />
              {DISMISS_REASON_LABELS[code]}
            </label>
          ))}
        </fieldset>
        <label className="field">
          Note{reason === 'other' ? ' (required for “Other”)' : ' (optional)'}
          <textarea
            value={note}
            onChange={(event) => setNote(event.target.value)}
            rows={3}
            required={reason === 'other'}
            maxLength={2000}
          />
        </label>
        <div className="dialog-actions">
          <button type="button" className="button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-danger">
            Dismiss
          </button>
        </div>
      </form>
    </Dialog>
  );
}
