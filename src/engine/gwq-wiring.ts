// The GWQ listener of a running terminal (compat.gwq): started after the local API,
// reloaded on SIGHUP in what the contract lets change, stopped first.

import type { Logger } from '../base/logger.js';
import { type GwqListener, startGwqListener } from '../compat/gwq/listener.js';
import { heldBy } from '../compat/port-holder.js';
import type { GwqSection } from '../config/compat-schema.js';
import type { TerminalConfig } from '../config/terminal-config.js';
import { type DepartmentMemory, gwqOperations } from './gwq-operations.js';
import type { Terminal } from './terminal.js';

export interface GwqHandle {
  readonly listener: GwqListener | null;
  reload(settings: GwqSection | null): void;
  stop(): Promise<void>;
}

/** Why the listener could not start, in words a technician can act on. */
export function gwqListenProblem(err: unknown, host: string, port: number): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return `Port ${port} on ${host} (compat.gwq.port) is already in use${heldBy(port)}: is the old evaluator's driver (the GWQ service) or a gwq-relay still running on this machine? Stop and disable it, or set compat.gwq.port.`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
    return `Cannot listen on ${host}:${port} (${code}): check compat.gwq.host and compat.gwq.port.`;
  }
  return `Cannot start the GWQ listener: ${err instanceof Error ? err.message : String(err)}`;
}

export async function startGwq(
  config: TerminalConfig,
  terminal: Terminal,
  log: Logger,
  version: string,
  /** The departments the local API gave (rememberingDepartments wraps the API's operations). */
  memory: DepartmentMemory,
): Promise<GwqHandle> {
  const settings = config.compat.gwq;
  if (settings === null) return { listener: null, reload() {}, async stop() {} };
  const listener = await startGwqListener({
    settings,
    ops: gwqOperations(terminal, {
      terminalId: config.terminal.id,
      service: config.prompt.invite.service,
      memory,
    }),
    log,
    version,
  });
  log.log('info', 'gwq_listening', { url: listener.url, answerLevel: settings.answerLevel });
  return {
    listener,
    reload(next) {
      if (next) listener.reload(next);
    },
    stop: () => listener.close(),
  };
}
