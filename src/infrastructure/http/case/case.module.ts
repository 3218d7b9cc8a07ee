import { Module } from '@nestjs/common';
import { CaseAggregate, CASE_POLICY } from '../../../application/case/case.aggregate.js';
import { CaseBlinding } from '../../../application/case/case-blinding.js';
import { CaseCommands } from '../../../application/case/case-commands.service.js';
import { RunCaseCommandHandler } from '../../../application/case/run-case-command.js';
import { GetCaseHistoryHandler } from '../../../application/case/queries/get-case-history.handler.js';
import { GetCaseHandler } from '../../../application/case/queries/get-case.handler.js';
import { CommandPath } from '../../../application/command-path/command-path.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { Idempotency } from '../idempotency/idempotency.js';
import { IdempotencyStore } from '../idempotency/idempotency.store.js';
import { CaseQueriesController } from './case-queries.controller.js';
import { CaseCommandsController } from './case-commands.controller.js';

/** The case slice: its commands and queries, over HTTP. */
@Module({
  controllers: [CaseCommandsController, CaseQueriesController],
  providers: [
    {
      provide: CASE_POLICY,
      useFactory: (config: RuntimeConfig) => config.casePolicy,
      inject: [RUNTIME_CONFIG],
    },
    CaseAggregate,
    CommandPath,
    CaseCommands,
    CaseBlinding,
    RunCaseCommandHandler,
    GetCaseHandler,
    GetCaseHistoryHandler,
    IdempotencyStore,
    Idempotency,
  ],
  exports: [CaseCommands, CaseAggregate, CommandPath, CaseBlinding, Idempotency],
})
export class CaseModule {}
