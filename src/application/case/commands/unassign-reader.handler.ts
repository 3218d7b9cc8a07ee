import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { UnassignReaderCommand } from './unassign-reader.command.js';

@CommandHandler(UnassignReaderCommand)
export class UnassignReaderHandler implements ICommandHandler<UnassignReaderCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: UnassignReaderCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'UnassignReader', data, context);
  }
}
