// The terminal as the fleet reporter sees it (src/fleet/source.ts).

import type { FleetSource } from '../fleet/source.js';
import type { Terminal } from './terminal.js';

export function fleetSourceOf(terminal: Terminal): FleetSource {
  return {
    health: () => terminal.health(),
    get clerk() {
      return terminal.clerk;
    },
    oldestQueuedAt: () => terminal.oldestQueuedAt(),
    hourlyCounts: (from, to) => terminal.hourlyCounts(from, to),
    // Open until final, whatever screen it is on: the indicators of a 好评 and the
    // change-level screen of a 差评 included (the prompt is not final yet).
    promptOpen: () => terminal.currentPromptId() !== null,
    subscribe: (listener) =>
      terminal.subscribe({
        view: () => listener.changed(),
        keypadState: () => listener.changed(),
        platformState: () => listener.changed(),
        forward: () => listener.changed(),
        final: (records) => listener.final(records),
      }),
  };
}
