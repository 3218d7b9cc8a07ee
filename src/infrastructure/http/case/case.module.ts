import { Module } from '@nestjs/common';
import { CaseAggregate, CASE_POLICY } from '../../../application/case/case.aggregate.js';
import { ReadingGuard } from '../../../application/case/reading-guard.js';
import { CaseCommands } from '../../../application/case/case-commands.service.js';
import { CASE_COMMAND_HANDLERS } from '../../../application/case/commands/index.js';
import { GetCaseHistoryHandler } from '../../../application/case/queries/get-case-history.handler.js';
import { GetCaseHandler } from '../../../application/case/queries/get-case.handler.js';
import { CommandPath } from '../../../application/command-path/command-path.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { Idempotency } from '../idempotency/idempotency.js';
import { IdempotencyStore } from '../idempotency/idempotency.store.js';
import { CaseQueriesController } from './case-queries.controller.js';
import { CasesController } from './cases.controller.js';

/** The case slice: its commands and queries, over HTTP. */
@Module({
  controllers: [CasesController, CaseQueriesController],
  providers: [
    {
      provide: CASE_POLICY,
      useFactory: (config: RuntimeConfig) => config.casePolicy,
      inject: [RUNTIME_CONFIG],
    },
    CaseAggregate,
    CommandPath,
    CaseCommands,
    ReadingGuard,
    ...CASE_COMMAND_HANDLERS,
    GetCaseHandler,
    GetCaseHistoryHandler,
    IdempotencyStore,
    Idempotency,
  ],
  exports: [CaseCommands, CaseAggregate, CommandPath, ReadingGuard, Idempotency],
})
export class CaseModule {}
