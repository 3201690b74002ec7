/** The notices region: warnings and errors are announced assertively, the rest politely. */
import { useNoticeActions, useNotices } from '../notices-store.ts';

export function Notices() {
  const notices = useNotices();
  const { noticeDismissed } = useNoticeActions();
  const urgent = notices.filter((notice) => notice.tone === 'error' || notice.tone === 'warning');
  const calm = notices.filter((notice) => notice.tone === 'info' || notice.tone === 'success');
  const render = (list: typeof notices) =>
    list.map((notice) => (
      <div key={notice.id} className={`notice notice-${notice.tone}`}>
        <div>
          <strong>{notice.title}</strong>
          {notice.detail ? <p>{notice.detail}</p> : null}
        </div>
        <button type="button" className="button-quiet" onClick={() => noticeDismissed(notice.id)} aria-label={`Dismiss: ${notice.title}`}>
          ×
        </button>
      </div>
    ));
  return (
    <div className="notices">
      <div role="alert">{render(urgent)}</div>
      <div role="status">{render(calm)}</div>
    </div>
  );
}
