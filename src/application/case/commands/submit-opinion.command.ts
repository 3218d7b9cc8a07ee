import { Command } from '@nestjs/cqrs';
import type { SubmitOpinion } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class SubmitOpinionCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: SubmitOpinion['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
