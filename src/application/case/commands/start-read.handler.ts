import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { StartReadCommand } from './start-read.command.js';

@CommandHandler(StartReadCommand)
export class StartReadHandler implements ICommandHandler<StartReadCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: StartReadCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'StartRead', data, context);
  }
}
