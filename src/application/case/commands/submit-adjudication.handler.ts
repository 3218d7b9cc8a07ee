import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { SubmitAdjudicationCommand } from './submit-adjudication.command.js';

@CommandHandler(SubmitAdjudicationCommand)
export class SubmitAdjudicationHandler implements ICommandHandler<
  SubmitAdjudicationCommand,
  CaseCommandOutcome
> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: SubmitAdjudicationCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'SubmitAdjudication', data, context);
  }
}
