import { FileUp, Plus } from 'lucide-react';
import { newProfile, openProfilesDialog } from './profile-actions';

/** The ways to a first source from a view that has nothing to show without one. */
export function AddSourceButtons() {
  return (
    <div className="empty-actions" data-testid="add-source-actions">
      <button type="button" className="button primary" onClick={newProfile}>
        <Plus size={13} aria-hidden /> Add profile
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          openProfilesDialog({ type: 'import' });
        }}
      >
        <FileUp size={13} aria-hidden /> Import manifest
      </button>
    </div>
  );
}
