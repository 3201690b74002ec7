/**
 * "Undo" for one applied item or "Undo batch" for a whole batch: sends the undo, then opens the progress of the undo
 * batch (`?batch=`). If a value was changed outside RecDesk since it was applied, nothing is undone and the three
 * values are shown to the person, who decides (keep them, undo the others, or overwrite). What cannot be undone
 * (Partner Opportunities, created entities) is said.
 */
import type { UndoAccepted, UndoBody, UndoChangedSince } from '@recdesk/shared-types';
import { useState } from 'react';
import { noticeActions } from '../notices-store.ts';
import { ProblemMessage } from '../ui/ProblemMessage.tsx';
import { useSearchParams } from '../use-search-params.ts';
import { changedSinceOf, useUndo } from './apply-queries.ts';
import { UndoConflictDialog } from './UndoConflictDialog.tsx';

interface UndoButtonProps {
  body: UndoBody;
  label: 'Undo' | 'Undo batch';
  disabled?: boolean;
  /** Every item the undo covers (a batch's applied items), to offer undoing the untouched ones alone. */
  itemIds: readonly string[];
  titleOf: (id: string) => string;
  className?: string;
}

function tellCannotUndo(accepted: UndoAccepted, titleOf: (id: string) => string) {
  if (accepted.cannotUndo.length === 0) return;
  const reasons = [...new Set(accepted.cannotUndo.map((c) => c.message))];
  noticeActions().noticeAdded({
    tone: accepted.queued > 0 ? 'info' : 'warning',
    title:
      accepted.queued > 0
        ? `${accepted.cannotUndo.length} of the items cannot be undone`
        : accepted.cannotUndo.length === 1
          ? `“${titleOf(accepted.cannotUndo[0]?.id ?? '')}” cannot be undone`
          : 'None of the items can be undone',
    detail: reasons.join(' '),
  });
}

export function UndoButton({ body, label, disabled, itemIds, titleOf, className }: UndoButtonProps) {
  const undo = useUndo();
  const [, setSearch] = useSearchParams();
  const [changed, setChanged] = useState<UndoChangedSince[] | null>(null);

  const send = (what: UndoBody) => {
    undo.mutate(what, {
      onSuccess: (accepted) => {
        setChanged(null);
        tellCannotUndo(accepted, titleOf);
        if (accepted.batchId) setSearch({ batch: accepted.batchId });
      },
      onError: (error) => {
        const conflict = changedSinceOf(error);
        if (conflict) setChanged(conflict);
      },
    });
  };
  const changedIds = new Set(changed?.map((c) => c.id));
  const unchangedIds = itemIds.filter((id) => !changedIds.has(id));

  return (
    <>
      <button type="button" className={className ?? 'button-secondary'} disabled={disabled || undo.isPending} onClick={() => send(body)}>
        {undo.isPending && !changed ? 'Undoing…' : label}
      </button>
      {undo.isError && !changedSinceOf(undo.error) ? <ProblemMessage error={undo.error} fallback="The undo could not be started" /> : null}
      {changed ? (
        <UndoConflictDialog
          changed={changed}
          unchangedIds={unchangedIds}
          titleOf={titleOf}
          pending={undo.isPending}
          onUndoUnchanged={() => send({ ids: unchangedIds })}
          onOverwrite={() => send({ ...body, overwrite: true })}
          onClose={() => setChanged(null)}
        />
      ) : null}
    </>
  );
}
