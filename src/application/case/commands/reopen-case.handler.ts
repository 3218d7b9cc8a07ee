import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { ReopenCaseCommand } from './reopen-case.command.js';

@CommandHandler(ReopenCaseCommand)
export class ReopenCaseHandler implements ICommandHandler<ReopenCaseCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: ReopenCaseCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'ReopenCase', data, context);
  }
}
