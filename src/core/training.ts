// The terminal id of the built-in defaults (serve without --config). A terminal with this
// id is always a training terminal, and migration 002 marks its old records training.
export const BUILT_IN_TERMINAL_ID = 'DEV-0001';
