import { Command } from '@nestjs/cqrs';
import type { ReviewPriorReport } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class ReviewPriorReportCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: ReviewPriorReport['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
