import { useEffect, useRef, useState, type RefObject } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { toast } from 'sonner';
import type { AppErrorShape } from '../../../../shared/errors';
import {
  profileKinds,
  type ProfileKind,
  type ProfileSave,
  type ProfileView,
} from '../../../../shared/profiles';
import { matches } from '../../app/shortcuts';
import { Segmented } from '../../components/Segmented';
import { ConnectionFields, secretLabel } from './ConnectionFields';
import { FormField, fieldProps } from './FormField';
import { Modal } from './Modal';
import { KindIcon } from './ProfileBadges';
import {
  defaultAuthMode,
  draftToConnection,
  formValuesFor,
  formValuesFromDraft,
  keepableDraft,
  kindLabels,
  profileResolver,
  type ProfileFormValues,
} from './profile-form-model';
import { sameEditor, useProfilesStore, type Editor, type EditorDraft } from './profiles-store';
import { TlsFields } from './TlsFields';

/** What a failed save means for the person who pressed Save. */
export function describeSaveError(error: AppErrorShape): string {
  switch (error.code) {
    case 'vault-uninitialized':
      return 'The vault is not set up yet, so secrets cannot be stored. Set a passphrase first; nothing was saved.';
    case 'vault-locked':
      return 'The vault is locked, so secrets cannot be stored. Unlock it and save again; nothing was saved.';
    default:
      return error.message;
  }
}

/** Field paths a main-side message starts with (`connection.jumpHostId: …`). */
const fieldPrefix = /^((?:connection|secrets)\.[\w.]+|name|folder|tags|notes): (.+)$/;

/**
 * Gives the keyboard back when the editor closes: to what opened it, or to `fallback` when that
 * went away with the editor (the detail's Edit button). Only when the focus was lost with the
 * form — a section chosen meanwhile keeps it.
 */
function useFocusReturn(fallback: RefObject<HTMLElement | null> | undefined): void {
  // Read while rendering: once mounted, the form's first field has taken the focus.
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement ? document.activeElement : null,
  );
  useEffect(
    () => () => {
      const active = document.activeElement;
      if (active !== null && active !== document.body) return;
      const target = opener?.isConnected ? opener : fallback?.current;
      target?.focus();
    },
    [opener, fallback],
  );
}

export function ProfileEditor(props: {
  editor: Editor;
  profile: ProfileView | undefined;
  /** Takes the keyboard when the editor closes and what opened it is gone. */
  returnFocusTo?: RefObject<HTMLElement | null>;
}) {
  const profiles = useProfilesStore((s) => s.profiles);
  const { save, openEditor } = useProfilesStore.getState();
  useFocusReturn(props.returnFocusTo);
  const initialKind =
    props.profile?.connection.kind ?? (props.editor.mode === 'new' ? props.editor.kind : 'ssh');
  // The draft this editor left behind when a lock (or another section) closed it, if any.
  const [restored] = useState<EditorDraft | undefined>(() => {
    const { draft } = useProfilesStore.getState();
    return sameEditor(draft?.editor, props.editor) ? draft : undefined;
  });
  const form = useForm<ProfileFormValues, unknown, ProfileSave>({
    resolver: profileResolver,
    defaultValues: restored
      ? formValuesFromDraft(restored.values)
      : formValuesFor(props.profile, initialKind),
    // Validating on blur before the first submit showed one field's error at a time, and the
    // message it added moved Save away from the pointer between press and release.
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  const { register, formState, handleSubmit, setValue, getValues, setError, clearErrors } = form;
  const kind = useWatch({ control: form.control, name: 'connection.kind' });
  const transport = useWatch({ control: form.control, name: 'connection.transport' });
  const [saveError, setSaveError] = useState<string | undefined>();
  // The stored version this form was filled from: a list refreshed meanwhile must not move it,
  // or a save would overwrite what changed elsewhere. A kept draft brings its own: the profile
  // may have changed while the draft waited.
  const [editedFrom] = useState(restored ? restored.editedFrom : props.profile?.updatedAt);
  const isNew = props.profile === undefined;

  useKeptDraft(
    props.editor,
    form.getValues,
    restored,
    formValuesFor(props.profile, initialKind),
    editedFrom,
  );
  const retype = restored?.secretsToRetype ?? [];
  const title = props.profile ? `Edit “${props.profile.name}”` : 'New profile';

  const switchKind = (next: ProfileKind): void => {
    const current = getValues('connection');
    setValue('connection', {
      ...current,
      kind: next,
      port: next === 'ssh' ? '22' : '',
      auth: { ...current.auth, mode: defaultAuthMode(next) },
    });
    clearErrors();
  };

  const submit = handleSubmit(async (data) => {
    setSaveError(undefined);
    const result = await save(
      props.profile
        ? { ...data, id: props.profile.id, ...(editedFrom === undefined ? {} : { editedFrom }) }
        : data,
    );
    if (result.ok) {
      toast.success(`Saved “${result.data.name}”.`);
      return;
    }
    if (result.error.code === 'conflict') {
      // Focus brings the name into view: Save sits at the end of a form taller than the window.
      setError('name', { type: 'conflict', message: result.error.message }, { shouldFocus: true });
      return;
    }
    const match = fieldPrefix.exec(result.error.message);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      setError(match[1] as 'name', { type: 'server', message: match[2] }, { shouldFocus: true });
      // The field's path is for the code; the banner says it in words, as the field does.
      setSaveError(`Nothing was saved: ${match[2]}`);
      return;
    }
    setSaveError(describeSaveError(result.error));
  });

  const pristine = formValuesFor(props.profile, initialKind);
  /** What leaving would lose: changed fields, or secrets typed (or a draft's still to retype). */
  const unsaved = (): boolean => {
    const { values, secretsToRetype } = keepableDraft(getValues(), restored?.secretsToRetype);
    return (
      secretsToRetype.length > 0 ||
      JSON.stringify(values) !== JSON.stringify(keepableDraft(pristine).values)
    );
  };
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const cancel = (): void => {
    if (unsaved()) setConfirmDiscard(true);
    else openEditor(undefined);
  };

  // Another profile chosen in the list while this one is edited: the editor gives way, and what
  // was typed stays as a draft that Edit brings back, as when the section is left.
  const selectedId = useProfilesStore((s) => s.selectedId);
  const [openedWith] = useState(selectedId);
  const giveWay = useRef<() => void>(() => undefined);
  useEffect(() => {
    giveWay.current = () => {
      if (!unsaved()) {
        openEditor(undefined);
        return;
      }
      const { values, secretsToRetype } = keepableDraft(getValues(), restored?.secretsToRetype);
      toast.info(`Your changes to “${props.profile?.name ?? 'the new profile'}” were kept.`, {
        description: 'Edit it again to go on; secrets typed must be typed again.',
      });
      useProfilesStore.setState({
        editor: undefined,
        draft: { editor: props.editor, values, secretsToRetype, editedFrom },
      });
    };
  });
  useEffect(() => {
    if (selectedId !== openedWith) giveWay.current();
  }, [selectedId, openedWith]);

  return (
    <FormProvider {...form}>
      <form
        className="profile-editor"
        data-testid="profile-form"
        aria-label={title}
        noValidate
        onSubmit={(event) => void submit(event)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            cancel();
          } else if (matches('profiles-save', event)) {
            event.preventDefault();
            void submit();
          }
        }}
      >
        <header className="editor-header">
          <h2>{title}</h2>
        </header>
        {retype.length > 0 ? (
          <div className="banner warn" role="status" data-testid="profile-draft-secrets">
            Your unsaved changes were kept, but not the secrets typed into them: type the{' '}
            {retype
              .map((field) => secretLabel(field, draftToConnection(getValues('connection'))))
              .join(', ')}{' '}
            again before saving.
          </div>
        ) : null}
        {saveError !== undefined ? (
          <div className="banner error" role="alert" data-testid="profile-form-error">
            {saveError}
          </div>
        ) : null}
        <section className="panel">
          <h2>Profile</h2>
          {isNew ? (
            <div className="field-row">
              <span className="field-label" id="pf-kind-label">
                Kind
              </span>
              <Segmented
                labelledBy="pf-kind-label"
                value={kind}
                options={profileKinds.map((option) => ({
                  value: option,
                  label: (
                    <>
                      <KindIcon kind={option} size={13} /> {kindLabels[option]}
                    </>
                  ),
                }))}
                testId={(option) => `pf-kind-${option}`}
                onChange={switchKind}
              />
            </div>
          ) : (
            <div className="field-row">
              <span className="field-label">Kind</span>
              <span className="field-static" data-testid="pf-kind">
                <KindIcon kind={kind} size={13} /> {kindLabels[kind]}
              </span>
            </div>
          )}
          <FormField id="pf-name" label="Name" error={formState.errors.name}>
            <input
              className="input wide"
              {...fieldProps('pf-name', formState.errors.name)}
              {...register('name')}
              autoFocus
            />
          </FormField>
          <FormField
            id="pf-folder"
            label="Folder"
            error={formState.errors.folder}
            help="For example Lab/Site A."
          >
            <input
              className="input wide"
              {...fieldProps('pf-folder', formState.errors.folder)}
              {...register('folder')}
              list="pf-folder-options"
            />
          </FormField>
          <datalist id="pf-folder-options">
            {[...new Set(profiles.map((p) => p.folder).filter(Boolean))].map((folder) => (
              <option key={folder} value={folder} />
            ))}
          </datalist>
          <FormField
            id="pf-tags"
            label="Tags"
            error={formState.errors.tags}
            help="Words separated by spaces or commas."
          >
            <input
              className="input wide"
              {...fieldProps('pf-tags', formState.errors.tags)}
              {...register('tags')}
            />
          </FormField>
          <FormField id="pf-notes" label="Notes" error={formState.errors.notes}>
            <textarea
              className="input wide"
              rows={2}
              {...fieldProps('pf-notes', formState.errors.notes)}
              {...register('notes')}
            />
          </FormField>
        </section>
        <ConnectionFields
          profile={props.profile}
          sshProfiles={profiles.filter((p) => p.connection.kind === 'ssh')}
        />
        {kind !== 'ssh' && !(kind === 'routeros' && transport === 'api') ? <TlsFields /> : null}
        <footer className="editor-actions">
          <button
            type="submit"
            className="button primary"
            data-testid="pf-save"
            disabled={formState.isSubmitting}
          >
            {isNew ? 'Create profile' : 'Save changes'}
          </button>
          <button type="button" className="button" data-testid="pf-cancel" onClick={cancel}>
            Cancel
          </button>
          <span className="muted">Esc cancels · Ctrl+Enter saves</span>
        </footer>
      </form>
      {confirmDiscard ? (
        <Modal
          title="Discard your changes?"
          description={`The changes to “${props.profile?.name ?? 'the new profile'}” are not saved.`}
          testId="pf-discard"
          role="alertdialog"
          onClose={() => {
            setConfirmDiscard(false);
          }}
        >
          <div className="modal-actions">
            <button
              type="button"
              className="button"
              data-testid="pf-keep-editing"
              autoFocus
              onClick={() => {
                setConfirmDiscard(false);
              }}
            >
              Keep editing
            </button>
            <button
              type="button"
              className="button danger-solid"
              data-testid="pf-discard-confirm"
              onClick={() => {
                setConfirmDiscard(false);
                openEditor(undefined);
              }}
            >
              Discard changes
            </button>
          </div>
        </Modal>
      ) : null}
    </FormProvider>
  );
}

/**
 * Keeps the editor's unsaved values in the profiles store when it goes away while still open —
 * the vault locked (Ctrl+L or idle) or another section took the page — so it reopens with them.
 * Secrets are left out: a lock forgets them; the draft only says which ones were typed.
 */
function useKeptDraft(
  editor: Editor,
  getValues: () => ProfileFormValues,
  restored: EditorDraft | undefined,
  pristine: ProfileFormValues,
  editedFrom: string | undefined,
): void {
  const latest = useRef({ editor, getValues, restored, pristine, editedFrom });
  useEffect(() => {
    latest.current = { editor, getValues, restored, pristine, editedFrom };
  });
  useEffect(
    () => () => {
      const { editor, getValues, restored, pristine, editedFrom } = latest.current;
      const store = useProfilesStore.getState();
      // Closed by Save, Cancel or another editor: nothing to keep.
      if (!sameEditor(store.editor, editor)) return;
      const { values, secretsToRetype } = keepableDraft(getValues(), restored?.secretsToRetype);
      const changed = JSON.stringify(values) !== JSON.stringify(keepableDraft(pristine).values);
      store.keepDraft(
        changed || secretsToRetype.length > 0
          ? { editor, values, secretsToRetype, editedFrom }
          : undefined,
      );
    },
    [],
  );
}
