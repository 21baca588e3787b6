export const isMac = /Mac|iPhone|iPad/.test(navigator.userAgent);
export const modKey = isMac ? '⌘' : 'Ctrl';

export function Kbd(props: { keys: readonly string[] }) {
  return (
    <span className="kbd-group">
      {props.keys.map((key) => (
        <kbd key={key}>{key}</kbd>
      ))}
    </span>
  );
}
