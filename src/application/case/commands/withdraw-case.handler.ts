import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { WithdrawCaseCommand } from './withdraw-case.command.js';

@CommandHandler(WithdrawCaseCommand)
export class WithdrawCaseHandler implements ICommandHandler<WithdrawCaseCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: WithdrawCaseCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'WithdrawCase', data, context);
  }
}
