import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { RequestSecondOpinionCommand } from './request-second-opinion.command.js';

@CommandHandler(RequestSecondOpinionCommand)
export class RequestSecondOpinionHandler implements ICommandHandler<
  RequestSecondOpinionCommand,
  CaseCommandOutcome
> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: RequestSecondOpinionCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'RequestSecondOpinion', data, context);
  }
}
