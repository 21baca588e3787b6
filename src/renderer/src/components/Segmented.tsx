import { useRef, type KeyboardEvent, type ReactNode } from 'react';

/**
 * A row of choices of which one is on, as a radio group: one Tab stop (the chosen one), arrow
 * keys (and Home / End) move to another and choose it.
 */
export function Segmented<T extends string>(props: {
  value: T;
  options: readonly { value: T; label: ReactNode }[];
  onChange: (value: T) => void;
  /** Each choice's test id. */
  testId: (value: T) => string;
  labelledBy?: string;
  label?: string;
}) {
  const { value, options, onChange } = props;
  const group = useRef<HTMLDivElement>(null);
  const current = Math.max(
    0,
    options.findIndex((option) => option.value === value),
  );
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const steps: Record<string, number> = {
      ArrowRight: 1,
      ArrowDown: 1,
      ArrowLeft: -1,
      ArrowUp: -1,
    };
    const n = options.length;
    let next: number;
    if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = n - 1;
    else if (event.key in steps) next = (current + (steps[event.key] ?? 0) + n) % n;
    else return;
    event.preventDefault();
    const option = options[next];
    if (option === undefined) return;
    onChange(option.value);
    group.current?.querySelectorAll<HTMLButtonElement>('[role="radio"]')[next]?.focus();
  };
  return (
    <div
      ref={group}
      className="segmented"
      role="radiogroup"
      aria-labelledby={props.labelledBy}
      aria-label={props.label}
      onKeyDown={onKeyDown}
    >
      {options.map((option, i) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={option.value === value}
          tabIndex={i === current ? 0 : -1}
          data-testid={props.testId(option.value)}
          onClick={() => {
            onChange(option.value);
          }}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
