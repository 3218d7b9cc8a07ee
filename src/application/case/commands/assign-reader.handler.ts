import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { AssignReaderCommand } from './assign-reader.command.js';

@CommandHandler(AssignReaderCommand)
export class AssignReaderHandler implements ICommandHandler<AssignReaderCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: AssignReaderCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'AssignReader', data, context);
  }
}
