import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseCommands, type CaseCommandOutcome } from '../case-commands.service.js';
import { RecordSlaBreachCommand } from './record-sla-breach.command.js';

@CommandHandler(RecordSlaBreachCommand)
export class RecordSlaBreachHandler implements ICommandHandler<RecordSlaBreachCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, data, context }: RecordSlaBreachCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, 'RecordSlaBreach', data, context);
  }
}
