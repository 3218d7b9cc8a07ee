import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { ReviewPriorReportCommand } from './review-prior-report.command.js';

@CommandHandler(ReviewPriorReportCommand)
export class ReviewPriorReportHandler implements ICommandHandler<
  ReviewPriorReportCommand,
  CaseCommandOutcome
> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: ReviewPriorReportCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'ReviewPriorReport', data, context);
  }
}
