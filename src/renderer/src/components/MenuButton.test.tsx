import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installQuietResizeObserver } from '../test-support/layout';
import { MenuButton, MenuItem, MenuRadioGroup, MenuRadioItem } from './MenuButton';

const fruits = ['Apple', 'Banana', 'Cherry'] as const;

/** A menu of fruits; the one chosen is written beside it, and the focus may go to a field. */
function Fruits(props: { focusField?: boolean }) {
  const [chosen, setChosen] = useState('none');
  return (
    <>
      <MenuButton
        testId="fruit-menu"
        trigger={<button type="button">Fruit</button>}
        focusOnClose={() => {
          if (props.focusField !== true) return false;
          document.getElementById('after')?.focus();
          return true;
        }}
      >
        {fruits.map((fruit) => (
          <MenuItem
            key={fruit}
            onSelect={() => {
              setChosen(fruit);
            }}
          >
            {fruit}
          </MenuItem>
        ))}
      </MenuButton>
      <output aria-label="Chosen">{chosen}</output>
      <input id="after" aria-label="After" />
    </>
  );
}

// While the menu is open the rest of the page is hidden from assistive technology, as a modal
// menu's is: the button is found by its text.
const button = (): HTMLElement => screen.getByText(/^(Fruit|Size)$/);
const item = (name: string): HTMLElement => screen.getByRole('menuitem', { name });

/** Waits for the focus to reach the element (the menu moves it once the key's event is over). */
async function focusOn(element: () => HTMLElement | null | undefined): Promise<void> {
  await waitFor(() => {
    expect(document.activeElement).toBe(element());
  });
}
const itemNamed = (name: string) => () => screen.queryByRole('menuitem', { name });

/** Presses a key on what has the focus. */
function press(key: string): void {
  const target = document.activeElement;
  if (target === null) throw new Error('nothing has the focus');
  act(() => {
    fireEvent.keyDown(target, { key });
  });
}

/** Opens the menu from its button with the keyboard. */
function open(): void {
  act(() => {
    button().focus();
  });
  press('Enter');
  expect(screen.getByRole('menu')).toBeTruthy();
}
const chosen = (): string | null => screen.getByLabelText('Chosen').textContent;

describe('a menu button', () => {
  beforeAll(() => {
    installQuietResizeObserver();
  });
  afterEach(cleanup);

  it('opens from the keyboard on its first item; the arrows, Home and End move along', async () => {
    render(<Fruits />);
    expect(button().getAttribute('aria-haspopup')).toBe('menu');
    expect(button().getAttribute('aria-expanded')).toBe('false');
    open();
    expect(button().getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('fruit-menu')).toBe(screen.getByRole('menu'));
    await focusOn(itemNamed('Apple'));
    press('ArrowDown');
    await focusOn(itemNamed('Banana'));
    press('End');
    await focusOn(itemNamed('Cherry'));
    press('ArrowUp');
    await focusOn(itemNamed('Banana'));
    press('Home');
    await focusOn(itemNamed('Apple'));
  });

  it.each([
    { key: 'Enter', does: 'runs the item it is on', expected: 'Banana' },
    { key: 'Escape', does: 'chooses nothing', expected: 'none' },
  ])('on $key $does, closes, and gives the focus back to its button', async ({ key, expected }) => {
    render(<Fruits />);
    open();
    await focusOn(itemNamed('Apple'));
    press('ArrowDown');
    await focusOn(itemNamed('Banana'));
    press(key);
    expect(chosen()).toBe(expected);
    expect(screen.queryByRole('menu')).toBeNull();
    await focusOn(button);
    expect(button().getAttribute('aria-expanded')).toBe('false');
  });

  it('leaves the focus where its owner puts it as it closes', async () => {
    render(<Fruits focusField />);
    open();
    act(() => {
      fireEvent.click(item('Cherry'));
    });
    expect(chosen()).toBe('Cherry');
    await focusOn(() => screen.getByRole('textbox', { name: 'After' }));
  });

  it('marks the current one of a group of choices', async () => {
    function Sizes() {
      const [size, setSize] = useState('M');
      return (
        <MenuButton testId="size-menu" trigger={<button type="button">Size</button>}>
          <MenuRadioGroup value={size} onValueChange={setSize}>
            {['S', 'M', 'L'].map((s) => (
              <MenuRadioItem key={s} value={s} current="current">
                {s}
              </MenuRadioItem>
            ))}
          </MenuRadioGroup>
        </MenuButton>
      );
    }
    render(<Sizes />);
    open();
    const radios = (): (string | null)[] =>
      screen.getAllByRole('menuitemradio').map((r) => r.getAttribute('aria-checked'));
    expect(radios()).toEqual(['false', 'true', 'false']);
    expect(screen.getByRole('menuitemradio', { name: 'M current' })).toBeTruthy();
    press('End');
    await focusOn(() => screen.getByRole('menuitemradio', { name: 'L' }));
    press('Enter');
    await focusOn(button);
    open();
    expect(radios()).toEqual(['false', 'false', 'true']);
  });

  it('takes an item away on Delete or its ×, the focus on the next one, and closes when empty', async () => {
    function Removable() {
      const [left, setLeft] = useState<string[]>([...fruits]);
      return (
        <MenuButton testId="fruit-menu" trigger={<button type="button">Fruit</button>}>
          {left.map((fruit) => (
            <MenuItem
              key={fruit}
              remove={{
                label: `Remove ${fruit}`,
                run: () => {
                  setLeft((list) => list.filter((f) => f !== fruit));
                },
              }}
            >
              {fruit}
            </MenuItem>
          ))}
        </MenuButton>
      );
    }
    render(<Removable />);
    open();
    await focusOn(itemNamed('Apple'));
    expect(item('Apple').getAttribute('aria-keyshortcuts')).toBe('Delete');
    press('Delete');
    await focusOn(itemNamed('Banana'));
    expect(screen.queryByRole('menuitem', { name: 'Apple' })).toBeNull();
    press('End');
    await focusOn(itemNamed('Cherry'));
    // The last item gone: the previous one has the focus.
    act(() => {
      fireEvent.click(screen.getByTitle('Remove Cherry (Delete)'));
    });
    await focusOn(itemNamed('Banana'));
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Banana']);
    press('Backspace');
    expect(screen.queryByRole('menu')).toBeNull();
    await focusOn(button);
  });
});
