import { eventStoreSchema } from './0001-event-store-schema.js';
import { eventStoreWriterRoleMigration } from './0002-event-store-writer-role.js';
import { type Migration } from './migration.js';

export { type Migration } from './migration.js';

/** Every migration in the order it is applied. Add a schema change by appending a new one here. */
export const eventStoreMigrations: readonly Migration[] = [eventStoreSchema, eventStoreWriterRoleMigration];
