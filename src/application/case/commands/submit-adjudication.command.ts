import { Command } from '@nestjs/cqrs';
import type { SubmitAdjudication } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class SubmitAdjudicationCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: SubmitAdjudication['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
