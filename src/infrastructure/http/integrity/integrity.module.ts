import { Global, Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { INTEGRITY_LOG, type StoredTree } from '../../../application/integrity/integrity-log.port.js';
import { IntegrityLogService } from '../../../application/integrity/integrity-log.js';
import { keyId, type NoteSigner, rawPublicKey } from '../../../application/integrity/signed-note.js';
import { CLOCK, type Clock } from '../../../application/ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { LogCheckpointer } from '../../integrity/log-checkpointer.js';
import { PostgresStoredTree } from '../../integrity/postgres-stored-tree.js';
import { runsBackgroundWork } from '../../runtime/engine-role.js';
import { logSigner } from '../../integrity/signing-key.js';
import { IntegrityController } from './integrity.controller.js';

/** Nest tokens: the log's signer (private key) and the stored tree. */
export const LOG_SIGNER = Symbol('LogSigner');
export const STORED_TREE = Symbol('StoredTree');

/**
 * The verifiable log (docs/integrity.md): the checkpointer that logs every event and signs
 * checkpoints (it starts and stops with the application), the `IntegrityLog` (global: the case
 * history and the dossier use it) and its routes.
 */
@Global()
@Module({
  controllers: [IntegrityController],
  providers: [
    {
      provide: LOG_SIGNER,
      inject: [RUNTIME_CONFIG],
      useFactory: (config: RuntimeConfig): Promise<NoteSigner> => logSigner(config),
    },
    {
      provide: STORED_TREE,
      inject: [DataSource],
      useFactory: (dataSource: DataSource): StoredTree =>
        new PostgresStoredTree((sql, parameters) => dataSource.query(sql, parameters)),
    },
    {
      provide: INTEGRITY_LOG,
      inject: [STORED_TREE, LOG_SIGNER],
      useFactory: (tree: StoredTree, signer: NoteSigner) =>
        new IntegrityLogService(tree, {
          name: signer.name,
          keyId: keyId(signer.name, rawPublicKey(signer.publicKey)),
          publicKey: signer.publicKey,
        }),
    },
    {
      provide: LogCheckpointer,
      inject: [DataSource, EVENT_STORE, LOG_SIGNER, RUNTIME_CONFIG, CLOCK],
      useFactory: (
        dataSource: DataSource,
        store: EventStore,
        signer: NoteSigner,
        config: RuntimeConfig,
        clock: Clock,
      ) =>
        new LogCheckpointer(
          dataSource,
          store,
          signer,
          {
            intervalMs: config.integrity.checkpointIntervalMs,
            everyEvents: config.integrity.checkpointEveryEvents,
            witnesses: config.integrity.witnesses,
            // An API-role process leaves logging and signing to the projector.
            startWithApplication: runsBackgroundWork(config.role),
          },
          clock,
          new Logger('IntegrityLog'),
        ),
    },
  ],
  exports: [INTEGRITY_LOG, LogCheckpointer],
})
export class IntegrityModule {}
