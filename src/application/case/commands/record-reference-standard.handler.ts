import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { RecordReferenceStandardCommand } from './record-reference-standard.command.js';

@CommandHandler(RecordReferenceStandardCommand)
export class RecordReferenceStandardHandler implements ICommandHandler<
  RecordReferenceStandardCommand,
  CaseCommandOutcome
> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: RecordReferenceStandardCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'RecordReferenceStandard', data, context);
  }
}
