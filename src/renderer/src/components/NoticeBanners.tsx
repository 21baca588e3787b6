import { useEffect } from 'react';
import { bridge } from '../lib/bridge';
import { useNoticesStore } from '../stores/notices-store';

/** The core's notices over every screen, the lock screens included, each until dismissed. */
export function NoticeBanners() {
  const notices = useNoticesStore((s) => s.notices);
  const dismissError = useNoticesStore((s) => s.dismissError);

  useEffect(() => {
    const { load, apply } = useNoticesStore.getState();
    void load();
    return bridge().on('notices:changed', apply);
  }, []);

  return notices.map((notice) => (
    <div
      key={notice.id}
      className="banner warn notice-banner"
      role="status"
      data-testid="notice"
      data-id={notice.id}
    >
      <span className="notice-text">{notice.message}</span>
      {dismissError?.id === notice.id ? (
        <span className="notice-error" role="alert">
          {dismissError.error.message}
        </span>
      ) : null}
      {notice.dismissible ? (
        <button
          type="button"
          className="button small"
          data-testid="notice-dismiss"
          onClick={() => {
            void useNoticesStore.getState().dismiss(notice.id);
          }}
        >
          Dismiss
        </button>
      ) : null}
    </div>
  ));
}
