import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { EscalateCaseCommand } from './escalate-case.command.js';

@CommandHandler(EscalateCaseCommand)
export class EscalateCaseHandler implements ICommandHandler<EscalateCaseCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: EscalateCaseCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'EscalateCase', data, context);
  }
}
