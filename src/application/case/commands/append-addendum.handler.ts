import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { AppendAddendumCommand } from './append-addendum.command.js';

@CommandHandler(AppendAddendumCommand)
export class AppendAddendumHandler implements ICommandHandler<AppendAddendumCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: AppendAddendumCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'AppendAddendum', data, context);
  }
}
