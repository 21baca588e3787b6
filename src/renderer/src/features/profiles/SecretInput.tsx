import { useFormContext, useWatch } from 'react-hook-form';
import type { SecretField } from '../../../../shared/profiles';
import { FormField, fieldProps } from './FormField';
import type { ProfileFormValues } from './profile-form-model';

/**
 * A secret is never shown back. With one stored, the empty input keeps it, a typed value
 * replaces it and "Clear" deletes it on save.
 */
export function SecretInput(props: {
  field: SecretField;
  label: string;
  hasSecret: boolean;
  /** What the secret is used for, where the label alone does not say. */
  about?: string | undefined;
}) {
  const { register, setValue, formState } = useFormContext<ProfileFormValues>();
  const cleared = useWatch<ProfileFormValues, `clear.${SecretField}`>({
    name: `clear.${props.field}`,
  });
  const id = `pf-secrets-${props.field}`;
  const error = formState.errors.secrets?.[props.field];
  const setCleared = (value: boolean): void => {
    setValue(`clear.${props.field}`, value, { shouldDirty: true });
    if (value) setValue(`secrets.${props.field}`, '', { shouldDirty: true });
  };

  if (cleared) {
    return (
      <FormField id={id} label={props.label} help="Deleted from the vault when you save.">
        <div className="secret-row">
          <input
            key="cleared"
            className="input"
            {...fieldProps(id, undefined)}
            disabled
            value=""
            placeholder="will be deleted"
          />
          <button
            type="button"
            className="button"
            data-testid={`${id}-undo`}
            onClick={() => {
              setCleared(false);
            }}
          >
            Undo
          </button>
        </div>
      </FormField>
    );
  }

  const placeholder = props.hasSecret ? 'stored — leave empty to keep' : 'not set';
  const common = {
    ...fieldProps(id, error),
    ...register(`secrets.${props.field}`),
    className: 'input secret-input',
    placeholder,
    autoComplete: 'off',
    spellCheck: false,
  };
  return (
    <FormField
      id={id}
      label={props.label}
      error={error}
      help={
        [props.hasSecret ? 'Stored in the vault. Type a new value to replace it.' : '', props.about]
          .filter(Boolean)
          .join(' ') || undefined
      }
    >
      <div className="secret-row">
        {props.field === 'privateKey' ? (
          // A pasted PEM key has line breaks, which a password input would drop; the textarea's
          // text is masked by CSS instead.
          <textarea {...common} rows={4} className="input secret-input masked" />
        ) : (
          <input {...common} type="password" autoComplete="new-password" />
        )}
        {props.hasSecret ? (
          <button
            type="button"
            className="button"
            data-testid={`${id}-clear`}
            onClick={() => {
              setCleared(true);
            }}
          >
            Clear
          </button>
        ) : null}
      </div>
    </FormField>
  );
}
