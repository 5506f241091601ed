// Keyboard-wedge keypads (driver `hid`): they type into the focused window, so their
// presses arrive as key events in the screens, mapped here by `keypad.hidKeys`. The
// terminal cannot see such a keypad, so its state is always `none`.

/** hidKeys[i] lists the KeyboardEvent.code names of position i + 1. */
export function hidPosition(hidKeys: readonly (readonly string[])[], code: string): number | null {
  const index = hidKeys.findIndex((codes) => codes.includes(code));
  return index >= 0 && index < 5 ? index + 1 : null;
}
