import { Command } from '@nestjs/cqrs';
import type { RecordReferenceStandard } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class RecordReferenceStandardCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: RecordReferenceStandard['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
