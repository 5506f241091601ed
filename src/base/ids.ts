// Ids come from outside the rules, like time; tests hand in their own.
import { randomUUID } from 'node:crypto';

export const newUuid = (): string => randomUUID();
