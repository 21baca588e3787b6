import type { ReactNode } from 'react';
import type { FieldError } from 'react-hook-form';

/**
 * One labelled form row with its inline message: the validation error when there is one,
 * otherwise the help text. `id` names the input so label and message attach to it.
 */
export function FormField(props: {
  id: string;
  label: string;
  error?: FieldError | undefined;
  help?: ReactNode;
  children: ReactNode;
}) {
  const message = props.error?.message;
  return (
    <div className="field-row">
      <label className="field-label" htmlFor={props.id}>
        {props.label}
      </label>
      <div className="field-control">
        {props.children}
        {message !== undefined ? (
          <p className="field-error" id={`${props.id}-message`} data-testid={`${props.id}-error`}>
            {message}
          </p>
        ) : props.help !== undefined ? (
          <p className="field-help" id={`${props.id}-message`}>
            {props.help}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** Props that tie an input to its FormField row. */
export function fieldProps(id: string, error: FieldError | undefined) {
  return {
    id,
    'aria-invalid': error !== undefined,
    'aria-describedby': `${id}-message`,
    'data-testid': id,
  } as const;
}
