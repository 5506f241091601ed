// The console database's numbered migrations, on PRAGMA user_version, run by the store's
// open helpers. Append only: a migration that has shipped is never edited, because
// consoles in halls have already run it.
import type { Migration } from '../../../store/migrations/index.js';
import { initial } from './001-initial.js';
import { dayGroups } from './002-day-groups.js';

export const HALL_MIGRATIONS: readonly Migration[] = [initial, dayGroups];

export const HALL_LATEST_VERSION = HALL_MIGRATIONS.length;
