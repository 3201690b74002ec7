/** Reject with a reason code (and a note, required for "Other"), for one item or a confirmed bulk selection. */
import { REJECT_REASON_LABELS, REJECT_REASONS, type RejectReason } from '@recdesk/shared-types';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Dialog } from '../ui/Dialog.tsx';

export function RejectReasonFields({
  reason,
  note,
  onReasonChange,
  onNoteChange,
}: {
  reason: RejectReason | null;
  note: string;
  onReasonChange: (reason: RejectReason) => void;
  onNoteChange: (note: string) => void;
}) {
  return (
    <>
      <fieldset className="reason-fieldset">
        <legend>Reason</legend>
        {REJECT_REASONS.map((code) => (
          <label key={code} className="radio">
            <input
              type="radio"
              name="reject-reason"
              value={code}
              checked={reason === code}
              onChange={() => onReasonChange(code)}
              required
            />
            {REJECT_REASON_LABELS[code]}
          </label>
        ))}
      </fieldset>
      <label className="field">
        Note{reason === 'other' ? ' (required for “Other”)' : ' (optional)'}
        <textarea
          value={note}
          onChange={(event) => onNoteChange(event.target.value)}
          rows={3}
          required={reason === 'other'}
          maxLength={2000}
        />
      </label>
    </>
  );
}

export function RejectDialog({
  title,
  summary,
  onReject,
  onClose,
  submitLabel = 'Reject',
}: {
  title: string;
  summary?: ReactNode;
  onReject: (reason: RejectReason, note: string | undefined) => void;
  onClose: () => void;
  submitLabel?: string;
}) {
  const [reason, setReason] = useState<RejectReason | null>(null);
  const [note, setNote] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason) return;
    onReject(reason, note.trim() || undefined);
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit} className="dialog-form">
        {summary}
        <RejectReasonFields reason={reason} note={note} onReasonChange={setReason} onNoteChange={setNote} />
        <div className="dialog-actions">
          <button type="button" className="button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-danger" disabled={!reason || (reason === 'other' && !note.trim())}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
