import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { SubmitOpinionCommand } from './submit-opinion.command.js';

@CommandHandler(SubmitOpinionCommand)
export class SubmitOpinionHandler implements ICommandHandler<SubmitOpinionCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: SubmitOpinionCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'SubmitOpinion', data, context);
  }
}
