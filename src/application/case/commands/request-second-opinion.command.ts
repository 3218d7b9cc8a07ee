import { Command } from '@nestjs/cqrs';
import type { RequestSecondOpinion } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class RequestSecondOpinionCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: RequestSecondOpinion['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
