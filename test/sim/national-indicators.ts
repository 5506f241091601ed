// The national evaluation indicators (2020 list, 8 per level; the first digit of a code
// is its level), as the simulators check them. Copied from the public list, not from
// src/, so a wrong built-in catalogue cannot pass its own check.
export const NATIONAL_INDICATOR_CODES: Record<string, readonly string[]> = {
  '5': ['510', '511', '512', '513', '514', '515', '516', '517'],
  '4': ['406', '407', '408', '409', '410', '411', '412', '413'],
  '3': ['307', '308', '309', '310', '311', '312', '313', '314'],
  '2': ['207', '208', '209', '210', '211', '212', '213', '214'],
  '1': ['108', '109', '110', '111', '112', '113', '114', '115'],
};
