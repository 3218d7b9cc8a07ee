import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { CloseCaseCommand } from './close-case.command.js';

@CommandHandler(CloseCaseCommand)
export class CloseCaseHandler implements ICommandHandler<CloseCaseCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: CloseCaseCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'CloseCase', data, context);
  }
}
